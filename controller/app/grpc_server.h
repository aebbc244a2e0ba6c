// Starts the gRPC server that carries the state stream: mutual TLS when certificates are
// given (DESIGN.md: controller <-> token server traffic is mutual TLS outside local mode),
// plaintext only on loopback (ValidateOptions enforces that).
#ifndef NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_
#define NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "controller/app/options.h"

namespace nauthera::controller {

// REQUIRES: ValidateOptions(options).ok(). `service` must outlive the server. `port`, when
// given, receives the port listened on (useful with ":0").
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(const ControllerOptions& options,
                                                              grpc::Service* service,
                                                              int* port = nullptr);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_GRPC_SERVER_H_
