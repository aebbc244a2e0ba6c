// Subscribes to the controller's state stream and keeps the StateHolder current.
//
// Each State is checked (Snapshot::Create) before it is applied: ACK when applied, NACK with
// the reason when refused, and the last good snapshot keeps serving. When the controller is
// away the stream is re-dialled with capped exponential backoff; serving never stops.
#ifndef NAUTHERA_TOKENSERVER_STATE_STATE_CLIENT_H_
#define NAUTHERA_TOKENSERVER_STATE_STATE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "nauthera/v1/state.grpc.pb.h"
#include "tokenserver/state/state_holder.h"

namespace nauthera {

struct StateClientOptions {
  // "unix:/abs/state.sock", or HOST:PORT with mutual TLS (controller_address.h).
  std::string controller_address;
  std::string node_id;
  // All three set: mutual TLS (TCP only). All empty: a Unix socket (checked by Create).
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
};

class StateClient {
 public:
  static absl::StatusOr<std::unique_ptr<StateClient>> Create(const StateClientOptions& options,
                                                             StateHolder* holder);
  ~StateClient();

  void Start();
  void Stop();
  bool connected() const { return connected_.load(); }

 private:
  StateClient(std::shared_ptr<grpc::Channel> channel, std::string socket_path,
              std::string node_id, StateHolder* holder);
  void Run();
  // True for TCP, and for a socket CheckControllerSocket accepts (logs why not, rate-limited).
  bool SocketTrusted();
  // One stream from dial to end; returns whether any state was received.
  bool RunStream();
  bool ShouldLogDialFailure();
  // Replaces a channel that has not connected for a while (ShouldRebuildStateChannel), so a
  // name that resolves late is resolved at once, not after gRPC's resolver backoff.
  void RebuildChannelIfStuck();
  void Apply(v1::State state, grpc::ClientReaderWriter<v1::SubscribeRequest, v1::State>* stream);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::StateService::Stub> stub_;
  std::function<std::shared_ptr<grpc::Channel>()> make_channel_;  // a new channel_, same target
  std::chrono::steady_clock::time_point channel_created_ = std::chrono::steady_clock::now();
  std::string socket_path_;  // "" for TCP
  std::string node_id_;
  StateHolder* holder_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  Mutex context_mu_;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(context_mu_) = nullptr;  // for Stop()
  std::thread thread_;
  std::chrono::steady_clock::time_point last_dial_warning_{};
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STATE_STATE_CLIENT_H_
