// HttpKubeClient against a scripted transport: what goes on the wire, how answers and watch
// streams come back. kubeclient_cluster_test runs the same client against kube-apiserver.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/http_kube_client.h"
#include "tests/kubeclient/fake_transport.h"
#include "tests/kubeclient/kube_test_util.h"

namespace nauthera::controller::kube {
namespace {

using testing::Answer;
using testing::FakeTransport;
using testing::StreamOf;

struct Fixture {
  Fixture() {
    auto owned = std::make_unique<FakeTransport>();
    transport = owned.get();
    client = std::make_unique<HttpKubeClient>(std::move(owned), TokenSource::Fixed("tok"));
  }
  FakeTransport* transport;
  std::unique_ptr<HttpKubeClient> client;
};

std::string Status(int code, const std::string& reason) {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":")" +
         reason + R"(","code":)" + std::to_string(code) + "}";
}

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  return R"({"type":")" + type + R"(","object":{"kind":"Secret","metadata":{"name":")" + name +
         R"(","namespace":"a","resourceVersion":")" + rv + "\"}}}\n";
}

TEST_CASE("Get sends GET to the object's path with the bearer token; 404 is kNotFound") {
  Fixture f;
  f.transport->Push(Answer(200, R"({"metadata":{"name":"s"}})"));
  f.transport->Push(Answer(404, Status(404, "NotFound")));
  absl::StatusOr<Object> found = f.client->Get(refs::Secrets(), "a", "s");
  REQUIRE(found.ok());
  CHECK(NameOf(*found) == "s");
  CHECK(f.client->Get(refs::Secrets(), "a", "gone").status().code() ==
        absl::StatusCode::kNotFound);
  std::vector<TransportRequest> requests = f.transport->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/api/v1/namespaces/a/secrets/s");
  CHECK(requests[0].bearer_token == "tok");
}

TEST_CASE("Create posts to the collection; an existing name is kAlreadyExists") {
  Fixture f;
  f.transport->Push(Answer(409, Status(409, "AlreadyExists")));
  Object secret = {{"metadata", {{"name", "s"}}}};
  WriteOptions options;
  options.field_manager = "nauthera";
  CHECK(f.client->Create(refs::Secrets(), "a", secret, options).status().code() ==
        absl::StatusCode::kAlreadyExists);
  TransportRequest request = f.transport->requests().at(0);
  CHECK(request.method == "POST");
  CHECK(request.path == "/api/v1/namespaces/a/secrets?fieldManager=nauthera");
  CHECK(request.content_type == "application/json");
  CHECK(Object::parse(request.body) == secret);
}

TEST_CASE("Update puts to the object (or its status); a stale resourceVersion is kAborted") {
  Fixture f;
  f.transport->Push(Answer(409, Status(409, "Conflict")));
  f.transport->Push(Answer(200, "{}"));
  Object object = {{"metadata", {{"name", "c"}, {"resourceVersion", "5"}}}};
  CHECK(f.client->Update(refs::OidcClients(), "a", object).status().code() ==
        absl::StatusCode::kAborted);
  CHECK(UpdateStatus(*f.client, refs::OidcClients(), "a", object).ok());
  std::vector<TransportRequest> requests = f.transport->requests();
  CHECK(requests[0].method == "PUT");
  CHECK(requests[0].path == "/apis/auth.nauthera.io/v1alpha1/namespaces/a/oidcclients/c");
  CHECK(requests[1].path == "/apis/auth.nauthera.io/v1alpha1/namespaces/a/oidcclients/c/status");
}

TEST_CASE("Patch sends each patch type with its content type") {
  auto [type, content_type] = GENERATE(table<PatchType, std::string>({
      {PatchType::kMerge, "application/merge-patch+json"},
      {PatchType::kJson, "application/json-patch+json"},
      {PatchType::kStrategicMerge, "application/strategic-merge-patch+json"},
  }));
  Fixture f;
  f.transport->Push(Answer(200, "{}"));
  REQUIRE(f.client->Patch(refs::Secrets(), "a", "s", type, "{}").ok());
  TransportRequest request = f.transport->requests().at(0);
  CHECK(request.method == "PATCH");
  CHECK(request.content_type == content_type);
  CHECK(request.path == "/api/v1/namespaces/a/secrets/s");
}

TEST_CASE("Apply is a server-side apply patch with fieldManager and force, kind filled in") {
  Fixture f;
  f.transport->Push(Answer(200, "{}"));
  REQUIRE(Apply(*f.client, refs::Secrets(), "a", {{"metadata", {{"name", "s"}}}}, "nauthera").ok());
  TransportRequest request = f.transport->requests().at(0);
  CHECK(request.method == "PATCH");
  CHECK(request.content_type == "application/apply-patch+yaml");
  CHECK(request.path == "/api/v1/namespaces/a/secrets/s?fieldManager=nauthera&force=true");
  Object body = Object::parse(request.body);
  CHECK(body["apiVersion"] == "v1");
  CHECK(body["kind"] == "Secret");
  CHECK(body["metadata"]["namespace"] == "a");
  // Without a field manager the API server would refuse it; so do we, before sending.
  CHECK(Apply(*f.client, refs::Secrets(), "a", {{"metadata", {{"name", "s"}}}}, "").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("ApplyStatus applies to the status subresource; a field owned by another is kFailedPrecondition") {
  Fixture f;
  f.transport->Push(Answer(
      409,
      R"({"kind":"Status","code":409,"reason":"Conflict","message":"Apply failed with 1 conflict",)"
      R"("details":{"causes":[{"reason":"FieldManagerConflict","field":".status.clientId"}]}})"));
  absl::Status status = ApplyStatus(*f.client, refs::OidcClients(), "a",
                                    {{"metadata", {{"name", "c"}}}, {"status", {{"clientId", "x"}}}},
                                    "nauthera", /*force=*/false)
                            .status();
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(f.transport->requests().at(0).path ==
        "/apis/auth.nauthera.io/v1alpha1/namespaces/a/oidcclients/c/status?fieldManager=nauthera");
}

TEST_CASE("Delete sends preconditions and the propagation policy as DeleteOptions") {
  Fixture f;
  f.transport->Push(Answer(200, Status(200, "")));
  DeleteOptions options;
  options.precondition_uid = "u-1";
  options.precondition_resource_version = "42";
  options.propagation_policy = "Foreground";
  REQUIRE(f.client->Delete(refs::Secrets(), "a", "s", options).ok());
  Object body = Object::parse(f.transport->requests().at(0).body);
  CHECK(body["kind"] == "DeleteOptions");
  CHECK(body["preconditions"]["uid"] == "u-1");
  CHECK(body["preconditions"]["resourceVersion"] == "42");
  CHECK(body["propagationPolicy"] == "Foreground");
}

TEST_CASE("List passes selectors, version and paging; ListAll follows continue tokens") {
  Fixture f;
  f.transport->Push(Answer(200, R"({"metadata":{"resourceVersion":"10","continue":"c1"},"items":[{"metadata":{"name":"a"}}]})"));
  f.transport->Push(Answer(200, R"({"metadata":{"resourceVersion":"10"},"items":[{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.label_selector = "app=web";
  options.limit = 1;
  absl::StatusOr<ObjectList> list = ListAll(*f.client, refs::Secrets(), "a", options);
  REQUIRE(list.ok());
  REQUIRE(list->items.size() == 2);
  CHECK(list->resource_version == "10");
  CHECK(list->continue_token.empty());
  std::vector<TransportRequest> requests = f.transport->requests();
  CHECK(requests[0].path == "/api/v1/namespaces/a/secrets?labelSelector=app%3Dweb&limit=1");
  CHECK(requests[1].path ==
        "/api/v1/namespaces/a/secrets?labelSelector=app%3Dweb&continue=c1&limit=1");
}

TEST_CASE("a list whose metadata has the wrong types reads as no version, never an exception") {
  Fixture f;
  f.transport->Push(Answer(200, R"({"metadata":{"resourceVersion":10,"continue":["c"]},"items":[]})"));
  f.transport->Push(Answer(200, R"({"metadata":"x","items":[]})"));
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<ObjectList> list = f.client->List(refs::Secrets(), "a", ListOptions());
    REQUIRE(list.ok());
    CHECK(list->resource_version.empty());
    CHECK(list->continue_token.empty());
  }
}

TEST_CASE("ListAll starts over when a continue token has expired (410)") {
  Fixture f;
  f.transport->Push(Answer(200, R"({"metadata":{"resourceVersion":"10","continue":"c1"},"items":[{"metadata":{"name":"a"}}]})"));
  f.transport->Push(Answer(410, Status(410, "Expired")));
  f.transport->Push(Answer(200, R"({"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.limit = 1;
  absl::StatusOr<ObjectList> list = ListAll(*f.client, refs::Secrets(), "a", options);
  REQUIRE(list.ok());
  CHECK(list->items.size() == 2);  // no duplicate "a" from the abandoned first page
  CHECK(list->resource_version == "20");
}

TEST_CASE("a 401 with a file token re-reads the file and tries once more") {
  testing::TempDir dir;
  testing::WriteFile(dir.Path("token"), "old");
  auto token = TokenSource::FromFile(dir.Path("token"));
  REQUIRE(token.ok());
  auto owned = std::make_unique<FakeTransport>();
  FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), *token);
  testing::WriteFile(dir.Path("token"), "new");  // rotated by the kubelet
  transport->Push(Answer(401, Status(401, "Unauthorized")));
  transport->Push(Answer(200, "{}"));
  REQUIRE(client.Get(refs::Secrets(), "a", "s").ok());
  std::vector<TransportRequest> requests = transport->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].bearer_token == "old");
  CHECK(requests[1].bearer_token == "new");
}

TEST_CASE("a 401 with a fixed token is kUnauthenticated at once") {
  Fixture f;
  f.transport->Push(Answer(401, Status(401, "Unauthorized")));
  CHECK(f.client->Get(refs::Secrets(), "a", "s").status().code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(f.transport->requests().size() == 1);
}

TEST_CASE("no answer at all is kUnavailable") {
  Fixture f;
  testing::ScriptedAnswer refused;
  refused.error = NetworkError("GET /x", "connection refused");
  f.transport->Push(refused);
  CHECK(f.client->Get(refs::Secrets(), "a", "s").status().code() ==
        absl::StatusCode::kUnavailable);
}

TEST_CASE("Watch asks for bookmarks from a version and delivers events cut anywhere") {
  Fixture f;
  std::string stream = Event("ADDED", "x", "11") + Event("MODIFIED", "x", "12") +
                       R"({"type":"BOOKMARK","object":{"kind":"Secret","metadata":{"resourceVersion":"15"}}})" "\n" +
                       Event("DELETED", "x", "16");
  // Cut in three uneven pieces, one boundary inside a line.
  f.transport->Push(StreamOf({stream.substr(0, 30), stream.substr(30, 100), stream.substr(130)}));
  WatchOptions options;
  options.resource_version = "10";
  options.timeout_seconds = 60;
  std::vector<std::string> seen;
  absl::Status status = f.client->Watch(refs::Secrets(), "a", options, [&](const WatchEvent& e) {
    seen.push_back(std::string(WatchEventTypeName(e.type)) + " " + ResourceVersionOf(e.object));
    return true;
  });
  CHECK(status.ok());
  CHECK(seen == std::vector<std::string>{"ADDED 11", "MODIFIED 12", "BOOKMARK 15", "DELETED 16"});
  TransportRequest request = f.transport->requests().at(0);
  CHECK(request.path ==
        "/api/v1/namespaces/a/secrets?watch=1&resourceVersion=10&allowWatchBookmarks=true&"
        "timeoutSeconds=60");
  CHECK(request.timeout_seconds == 90);
}

TEST_CASE("a watch from a too-old version is expired, as an HTTP 410 or as an ERROR event") {
  Fixture f;
  f.transport->Push(Answer(410, Status(410, "Gone")));
  f.transport->Push(StreamOf({Event("ADDED", "x", "11"),
                              R"J({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",)J"
                              R"J("status":"Failure","message":"too old resource version: 1 (35)",)J"
                              R"J("reason":"Expired","code":410}})J" "\n",
                              Event("ADDED", "never", "40")}));
  WatchOptions options;
  options.resource_version = "1";
  int events = 0;
  auto count = [&](const WatchEvent&) { return ++events, true; };
  absl::Status http = f.client->Watch(refs::Secrets(), "a", options, count);
  CHECK(IsResourceExpired(http));
  absl::Status in_stream = f.client->Watch(refs::Secrets(), "a", options, count);
  CHECK(IsResourceExpired(in_stream));
  CHECK(std::string(in_stream.message()).find("too old resource version") != std::string::npos);
  CHECK(events == 1);  // nothing after the ERROR event
}

TEST_CASE("a watch stops when the handler says so; a broken line ends it with an error") {
  Fixture f;
  f.transport->Push(StreamOf({Event("ADDED", "x", "1") + Event("ADDED", "y", "2")}));
  f.transport->Push(StreamOf({"{not json}\n"}));
  int events = 0;
  CHECK(f.client->Watch(refs::Secrets(), "a", {}, [&](const WatchEvent&) { return ++events < 1; }).ok());
  CHECK(events == 1);
  CHECK(f.client->Watch(refs::Secrets(), "a", {}, [&](const WatchEvent&) { return true; }).code() ==
        absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace nauthera::controller::kube
