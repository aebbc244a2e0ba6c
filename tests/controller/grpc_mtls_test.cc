// The state stream with mutual TLS, with certificates made by the openssl CLI (code we did not
// write) in a temp dir.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>

#include "controller/app/grpc_server.h"
#include "controller/sync/state_service.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// A CA, a server certificate for localhost/127.0.0.1 and a client certificate, all P-256.
bool MakeCertificates(const TempDir& dir) {
  WriteFile(dir.Path("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  std::string script = "cd '" + dir.path() + "' && " +
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca && "
      "for who in server client; do "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $who.key "
      "-out $who.csr -subj /CN=$who && "
      "openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
      "-extfile san.ext -out $who.pem || exit 1; done > openssl.log 2>&1";
  return std::system(script.c_str()) == 0;
}

bool Receives(pb::StateService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto stream = stub.Subscribe(&context);
  pb::SubscribeRequest hello;
  hello.set_node_id("mtls-test");
  stream->Write(hello);
  pb::State state;
  bool got = stream->Read(&state) && state.version() == "1-mtls";
  context.TryCancel();
  stream->Finish();
  return got;
}

TEST_CASE("the state stream requires and verifies a client certificate", "[sync][mtls]") {
  TempDir dir;
  if (!MakeCertificates(dir)) {
    WARN("openssl could not make test certificates; skipped");
    return;
  }
  StateBroadcaster broadcaster;
  auto state = std::make_shared<pb::State>();
  state->set_version("1-mtls");
  broadcaster.Publish(state);
  StateServiceImpl service(broadcaster);
  ControllerOptions options;
  options.grpc_listen = "127.0.0.1:0";
  options.grpc_tls_cert = dir.Path("server.pem");
  options.grpc_tls_key = dir.Path("server.key");
  options.grpc_client_ca = dir.Path("ca.pem");
  int port = 0;
  auto server = StartGrpcServer(options, &service, &port);
  REQUIRE(server.ok());
  std::string target = "localhost:" + std::to_string(port);

  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = ReadFile(dir.Path("ca.pem"));
  with_cert.pem_private_key = ReadFile(dir.Path("client.key"));
  with_cert.pem_cert_chain = ReadFile(dir.Path("client.pem"));
  auto good = pb::StateService::NewStub(
      grpc::CreateChannel(target, grpc::SslCredentials(with_cert)));
  CHECK(Receives(*good));

  grpc::SslCredentialsOptions without_cert;
  without_cert.pem_root_certs = with_cert.pem_root_certs;
  auto anonymous = pb::StateService::NewStub(
      grpc::CreateChannel(target, grpc::SslCredentials(without_cert)));
  CHECK_FALSE(Receives(*anonymous));

  auto plaintext = pb::StateService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  CHECK_FALSE(Receives(*plaintext));

  broadcaster.Shutdown();
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace
}  // namespace nauthera::controller
