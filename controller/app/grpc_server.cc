#include "controller/app/grpc_server.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ControllerOptions& options) {
  if (!options.mutual_tls()) return grpc::InsecureServerCredentials();
  ASSIGN_OR_RETURN(std::string cert, ReadWholeFile(options.grpc_tls_cert));
  ASSIGN_OR_RETURN(std::string key, ReadWholeFile(options.grpc_tls_key));
  ASSIGN_OR_RETURN(std::string ca, ReadWholeFile(options.grpc_client_ca));
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ca;
  ssl.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(const ControllerOptions& options,
                                                              grpc::Service* service,
                                                              int* selected_port) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, Credentials(options));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.grpc_listen, credentials, &port);
  builder.RegisterService(service);
  // Token servers keep one idle stream each; keepalives find dead peers behind NATs and
  // load balancers.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // gRPC sets SO_REUSEPORT by default: a second controller on the same port would then start
  // "fine" and silently take half the token servers. A taken port must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || (port == 0 && !absl::StartsWith(options.grpc_listen, "unix:"))) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for gRPC on ", options.grpc_listen,
        " (is the port taken, or the address not on this machine?); choose --grpc-listen"));
  }
  if (selected_port != nullptr) *selected_port = port;
  return server;
}

}  // namespace nauthera::controller
