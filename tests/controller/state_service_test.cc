#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "common/metrics/metrics.h"
#include "controller/metrics/controller_metrics.h"
#include "controller/manager/controller_manager.h"
#include "controller/reconcilers/folder_credential_store.h"
#include "controller/source/folder_source.h"
#include "controller/sync/state_service.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;

std::shared_ptr<const pb::State> StateWithVersion(const std::string& version) {
  auto state = std::make_shared<pb::State>();
  state->set_version(version);
  state->mutable_issuer()->set_issuer_url("http://127.0.0.1:8080");
  return state;
}

// A StateService on 127.0.0.1:<any port> and a client stub, in this process.
struct Fixture {
  Fixture() : service(broadcaster) {
    DefineControllerMetrics();
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    stub = pb::StateService::NewStub(channel);
  }
  ~Fixture() {
    broadcaster.Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  StateBroadcaster broadcaster;
  StateServiceImpl service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<pb::StateService::Stub> stub;
};

pb::SubscribeRequest Request(const std::string& version, const std::string& error = "") {
  pb::SubscribeRequest request;
  request.set_node_id("test-node");
  request.set_version(version);
  request.set_error_detail(error);
  return request;
}

TEST_CASE("a subscriber receives the current state at once and every newer one", "[sync]") {
  Fixture f;
  f.broadcaster.Publish(StateWithVersion("1-aaaaaaaaaaaa"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = f.stub->Subscribe(&context);
  REQUIRE(stream->Write(Request("")));
  pb::State state;
  REQUIRE(stream->Read(&state));
  CHECK(state.version() == "1-aaaaaaaaaaaa");
  CHECK(state.issuer().issuer_url() == "http://127.0.0.1:8080");
  REQUIRE(stream->Write(Request(state.version())));  // ACK

  f.broadcaster.Publish(StateWithVersion("2-bbbbbbbbbbbb"));
  REQUIRE(stream->Read(&state));
  CHECK(state.version() == "2-bbbbbbbbbbbb");
  REQUIRE(stream->Write(Request(state.version(), "signing key does not parse")));  // NACK

  REQUIRE(stream->WritesDone());
  CHECK_FALSE(stream->Read(&state));  // the server ends the stream when the client is done
  CHECK(stream->Finish().ok());
  std::string metrics = Metrics::Global().Render();
  CHECK(metrics.find("nauthera_controller_state_acks_total{node_id=\"test-node\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("nauthera_controller_state_nacks_total{node_id=\"test-node\"} 1") !=
        std::string::npos);
  CHECK(f.service.subscribers() == 0);
}

TEST_CASE("a subscriber receives the quickstart's reconciled state", "[sync]") {
  Fixture f;
  testing::TempDir dir;
  FolderSource::Options source_options;
  source_options.folder = std::string(NAUTHERA_SOURCE_DIR) + "/examples/quickstart";
  auto source = *FolderSource::Create(source_options);
  auto keys = *KeyRing::LoadOrCreate(dir.Path("keys.yaml"), 1);
  FolderCredentialStore store(dir.Path("secrets"));
  StatusBoard board(dir.path());
  ControllerManager manager({IssuerSettings{"http://127.0.0.1:8080", 60}, nullptr}, store, *keys,
                            f.broadcaster, board);
  source->Refresh();
  REQUIRE(manager.Reconcile(source->Current()).ok());

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = f.stub->Subscribe(&context);
  REQUIRE(stream->Write(Request("")));
  pb::State state;
  REQUIRE(stream->Read(&state));
  CHECK(state.version() == manager.state_version());
  CHECK(state.signing_keys(0).kid() == keys->keys()[0].kid);
  REQUIRE(state.clients_size() == 2);
  CHECK(state.clients(0).name() == "ci-deployer");
  CHECK(state.clients(0).email() == "ci-deployer@ci-cd.svc");
  CHECK(state.clients(1).name() == "kubectl");
  context.TryCancel();
}

TEST_CASE("a subscriber that arrives before any state waits for the first", "[sync]") {
  Fixture f;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = f.stub->Subscribe(&context);
  REQUIRE(stream->Write(Request("")));
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    f.broadcaster.Publish(StateWithVersion("1-cccccccccccc"));
  });
  pb::State state;
  REQUIRE(stream->Read(&state));
  CHECK(state.version() == "1-cccccccccccc");
  publisher.join();
  context.TryCancel();
}

TEST_CASE("shutdown ends open streams promptly", "[sync]") {
  auto f = std::make_unique<Fixture>();
  f->broadcaster.Publish(StateWithVersion("1-dddddddddddd"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = f->stub->Subscribe(&context);
  REQUIRE(stream->Write(Request("")));
  pb::State state;
  REQUIRE(stream->Read(&state));
  auto start = std::chrono::steady_clock::now();
  f.reset();  // broadcaster shutdown, then server shutdown
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK_FALSE(stream->Read(&state));
}

}  // namespace
}  // namespace nauthera::controller
