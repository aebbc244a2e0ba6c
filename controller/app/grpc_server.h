// Starts the gRPC server that carries the state stream, in one of two ways the options
// allow (ValidateOptions refuses every other):
//   - a Unix socket (the default, <state-dir>/state.sock): only this user's, peers checked by
//     their kernel credentials (controller/sync/state_socket.h);
//   - TCP with mutual TLS (docs/design.md: controller <-> token server traffic is mutual TLS
//     outside one machine; the chart's way).
// Never plaintext TCP: the State carries the signing key and password hashes.
#ifndef NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_
#define NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "controller/app/options.h"
#include "controller/sync/state_socket.h"

namespace nauthera::controller {

class GrpcServer {
 public:
  GrpcServer(std::unique_ptr<grpc::Server> server, std::unique_ptr<StateSocket> socket,
             std::string address)
      : server_(std::move(server)), socket_(std::move(socket)), address_(std::move(address)) {}
  ~GrpcServer();

  // Stops accepting (and removes the socket file), then ends the streams; gRPC cancels what
  // is left at `deadline`. Idempotent.
  void Shutdown(std::chrono::system_clock::time_point deadline);
  // What token servers dial: "unix:/abs/state.sock" or the --grpc-listen HOST:PORT.
  const std::string& address() const { return address_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<StateSocket> socket_;  // null with mutual TLS over TCP
  std::string address_;
  bool shut_down_ = false;
};

// REQUIRES: ValidateOptions(options).ok(). `service` must outlive the server. `port`, when
// given, receives the TCP port listened on (useful with ":0"; 0 for a Unix socket).
absl::StatusOr<std::unique_ptr<GrpcServer>> StartGrpcServer(const ControllerOptions& options,
                                                            grpc::Service* service,
                                                            int* port = nullptr);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_
