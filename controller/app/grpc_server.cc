#include "controller/app/grpc_server.h"

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsCredentials(
    const ControllerOptions& options) {
  ASSIGN_OR_RETURN(std::string cert, ReadWholeFile(options.grpc_tls_cert));
  ASSIGN_OR_RETURN(std::string key, ReadWholeFile(options.grpc_tls_key));
  ASSIGN_OR_RETURN(std::string ca, ReadWholeFile(options.grpc_client_ca));
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ca;
  ssl.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(ssl);
}

void AddStreamArguments(grpc::ServerBuilder& builder) {
  // Token servers keep one idle stream each; keepalives find dead peers behind NATs and
  // load balancers.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // gRPC sets SO_REUSEPORT by default: a second controller on the same port would then start
  // "fine" and silently take half the token servers. A taken port must be an error.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
}

// TCP, mutual TLS: gRPC listens and verifies the client certificate.
absl::StatusOr<std::unique_ptr<GrpcServer>> StartMutualTls(const ControllerOptions& options,
                                                           grpc::Service* service,
                                                           int* selected_port) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MutualTlsCredentials(options));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.grpc_listen, credentials, &port);
  builder.RegisterService(service);
  AddStreamArguments(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for gRPC on ", options.grpc_listen,
        " (is the port taken, or the address not on this machine?); choose --grpc-listen"));
  }
  if (selected_port != nullptr) *selected_port = port;
  return std::make_unique<GrpcServer>(std::move(server), nullptr, options.grpc_listen);
}

// A Unix socket: we listen, check each peer's uid, and hand gRPC only the allowed ones.
absl::StatusOr<std::unique_ptr<GrpcServer>> StartUnixSocket(const std::string& path,
                                                            grpc::Service* service,
                                                            int* selected_port) {
  ASSIGN_OR_RETURN(std::unique_ptr<StateSocket> socket, StateSocket::Listen(path));
  grpc::ServerBuilder builder;  // no listening port: connections come from `socket`
  builder.RegisterService(service);
  AddStreamArguments(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return absl::UnavailableError("cannot start the gRPC server");
  socket->Serve(server.get());
  if (selected_port != nullptr) *selected_port = 0;
  return std::make_unique<GrpcServer>(std::move(server), std::move(socket),
                                      absl::StrCat("unix:", path));
}

}  // namespace

GrpcServer::~GrpcServer() { Shutdown(std::chrono::system_clock::now()); }

void GrpcServer::Shutdown(std::chrono::system_clock::time_point deadline) {
  if (shut_down_) return;
  shut_down_ = true;
  // The acceptor first: it must not hand a connection to a server that is going away.
  if (socket_) socket_->Stop();
  server_->Shutdown(deadline);
}

absl::StatusOr<std::unique_ptr<GrpcServer>> StartGrpcServer(const ControllerOptions& options,
                                                            grpc::Service* service,
                                                            int* port) {
  std::string path = UnixSocketPath(StateListenAddress(options));
  if (!path.empty()) return StartUnixSocket(path, service, port);
  return StartMutualTls(options, service, port);
}

}  // namespace nauthera::controller
