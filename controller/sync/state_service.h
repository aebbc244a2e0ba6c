// The gRPC StateService (proto/nauthera/v1/state.proto): each token server opens one
// Subscribe stream, receives the current State at once and every newer one after it, and
// answers each with an ACK or a NACK (the xDS state-of-the-world pattern).
//
// One stream = the handler thread (writes States) + one reader thread (reads ACK/NACKs). Both
// end when the client goes away, the server shuts down, or the broadcaster does.
#ifndef NAUTHERA_CONTROLLER_SYNC_STATE_SERVICE_H_
#define NAUTHERA_CONTROLLER_SYNC_STATE_SERVICE_H_

#include <atomic>

#include "controller/sync/state_broadcaster.h"
#include "nauthera/v1/state.grpc.pb.h"

namespace nauthera::controller {

class StateServiceImpl final : public nauthera::v1::StateService::Service {
 public:
  explicit StateServiceImpl(StateBroadcaster& broadcaster) : broadcaster_(broadcaster) {}

  grpc::Status Subscribe(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<nauthera::v1::State, nauthera::v1::SubscribeRequest>* stream)
      override;

  int subscribers() const { return subscribers_.load(); }

 private:
  StateBroadcaster& broadcaster_;
  std::atomic<int> subscribers_{0};
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SYNC_STATE_SERVICE_H_
