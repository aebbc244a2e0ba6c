// Informer logic against a scripted API (fake transport under the real HttpKubeClient): lists,
// watches, 410 in both forms, deletes missed during a gap. kubeclient_cluster_test runs the same
// informer against kube-apiserver, through a restart and an etcd compaction.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/http_kube_client.h"
#include "controller/kubeclient/informer.h"
#include "tests/kubeclient/fake_transport.h"

namespace nauthera::controller::kube {
namespace {

using testing::Answer;
using testing::FakeTransport;
using testing::StreamOf;

std::string Item(const std::string& name, const std::string& rv) {
  return R"({"metadata":{"name":")" + name + R"(","namespace":"a","resourceVersion":")" + rv +
         "\"}}";
}

std::string ListOf(const std::string& rv, const std::vector<std::string>& items) {
  std::string body = R"({"metadata":{"resourceVersion":")" + rv + R"("},"items":[)";
  for (size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
  return body + "]}";
}

std::string Event(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

const char kExpired[] =
    R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version","reason":"Expired","code":410}})"
    "\n";

class Recorder {
 public:
  void operator()(const std::string& key) {
    absl::MutexLock lock(&mu_);
    keys_.push_back(key);
  }
  std::vector<std::string> keys() const {
    absl::MutexLock lock(&mu_);
    return keys_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> keys_;
};

InformerOptions SecretsIn(const std::string& ns) {
  InformerOptions options;
  options.ref = refs::Secrets();
  options.ns = ns;
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(50);
  return options;
}

TEST_CASE("informer: list, watch, relist on 410 (in the stream and as HTTP), missed deletes reported") {
  auto owned = std::make_unique<FakeTransport>();
  FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), nullptr);
  // 1. The first list: a and b.
  transport->Push(Answer(200, ListOf("10", {Item("a", "1"), Item("b", "2")})));
  // 2. A watch from 10: c added, a changed, a bookmark, then 410 inside the stream.
  transport->Push(StreamOf({Event("ADDED", Item("c", "11")) + Event("MODIFIED", Item("a", "12")),
                            Event("BOOKMARK", R"({"metadata":{"resourceVersion":"15"}})"),
                            kExpired}));
  // 3. The relist: b was deleted and d created while no watch was open.
  transport->Push(Answer(200, ListOf("20", {Item("a", "12"), Item("c", "11"), Item("d", "16")})));
  // 4. The next watch is refused with HTTP 410.
  transport->Push(Answer(410, R"({"kind":"Status","code":410,"reason":"Gone","message":"gone"})"));
  // 5. Relist: nothing changed. 6. Then a quiet watch until Stop().
  transport->Push(Answer(200, ListOf("21", {Item("a", "12"), Item("c", "11"), Item("d", "16")})));

  Recorder recorder;
  Informer informer(&client, SecretsIn("a"), std::ref(recorder));
  informer.Start();
  REQUIRE(informer.WaitForSync(absl::Seconds(5)));
  REQUIRE(transport->WaitForRequests(6, absl::Seconds(5)));
  informer.Stop();

  CHECK(recorder.keys() == std::vector<std::string>{"a/a", "a/b", "a/c", "a/a", "a/b", "a/d"});
  CHECK(informer.Keys() == std::vector<std::string>{"a/a", "a/c", "a/d"});
  CHECK_FALSE(informer.Get("a/b").has_value());
  CHECK(ResourceVersionOf(*informer.Get("a/a")) == "12");
  CHECK(informer.resource_version() == "21");
  InformerStats stats = informer.stats();
  CHECK(stats.lists == 3);
  CHECK(stats.expired == 2);
  CHECK(stats.bookmarks == 1);

  std::vector<TransportRequest> requests = transport->requests();
  CHECK(requests[0].path == "/api/v1/namespaces/a/secrets?limit=500");
  CHECK(requests[1].path.find("watch=1&resourceVersion=10&allowWatchBookmarks=true") !=
        std::string::npos);
  CHECK(requests[3].path.find("resourceVersion=20") != std::string::npos);
  CHECK(requests[5].path.find("resourceVersion=21") != std::string::npos);
}

TEST_CASE("informer: a watch the server ends resumes from the newest version, bookmarks included") {
  auto owned = std::make_unique<FakeTransport>();
  FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), nullptr);
  transport->Push(Answer(200, ListOf("10", {})));
  transport->Push(StreamOf({Event("ADDED", Item("a", "11")),
                            Event("BOOKMARK", R"({"metadata":{"resourceVersion":"30"}})")}));
  Recorder recorder;
  Informer informer(&client, SecretsIn("a"), std::ref(recorder));
  informer.Start();
  REQUIRE(transport->WaitForRequests(3, absl::Seconds(5)));
  informer.Stop();
  std::vector<TransportRequest> requests = transport->requests();
  CHECK(requests[2].path.find("resourceVersion=30") != std::string::npos);
  CHECK(informer.stats().lists == 1);  // no relist: nothing expired
}

TEST_CASE("informer: network errors and 5xx are retried with backoff, keeping the cache") {
  auto owned = std::make_unique<FakeTransport>();
  FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), nullptr);
  testing::ScriptedAnswer refused;
  refused.error = NetworkError("GET /x", "connection refused");
  transport->Push(refused);  // the first list fails
  transport->Push(Answer(503, R"({"kind":"Status","code":503,"message":"starting"})"));
  transport->Push(Answer(200, ListOf("10", {Item("a", "1")})));
  transport->Push(refused);  // the watch fails
  transport->Push(StreamOf({Event("DELETED", Item("a", "12"))}));
  Recorder recorder;
  Informer informer(&client, SecretsIn("a"), std::ref(recorder));
  informer.Start();
  REQUIRE(transport->WaitForRequests(6, absl::Seconds(5)));
  informer.Stop();
  CHECK(recorder.keys() == std::vector<std::string>{"a/a", "a/a"});
  CHECK(informer.Keys().empty());
  CHECK(informer.stats().errors == 3);
  CHECK(transport->requests()[5].path.find("resourceVersion=12") != std::string::npos);
}

TEST_CASE("informer: Stop() interrupts a quiet watch promptly") {
  auto owned = std::make_unique<FakeTransport>();
  FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), nullptr);
  transport->Push(Answer(200, ListOf("10", {})));
  Recorder recorder;
  Informer informer(&client, SecretsIn("a"), std::ref(recorder));
  informer.Start();
  REQUIRE(transport->WaitForRequests(2, absl::Seconds(5)));
  absl::Time start = absl::Now();
  informer.Stop();
  CHECK(absl::Now() - start < absl::Seconds(2));
}

}  // namespace
}  // namespace nauthera::controller::kube

namespace nauthera::controller::kube {
namespace {

TEST_CASE("informer: a list that keeps answering 410 is retried with backoff, not in a loop") {
  auto owned = std::make_unique<testing::FakeTransport>();
  testing::FakeTransport* transport = owned.get();
  HttpKubeClient client(std::move(owned), nullptr);
  for (int i = 0; i < 200; ++i) {
    transport->Push(testing::Answer(
        410, R"({"kind":"Status","code":410,"reason":"Expired","message":"continue too old"})"));
  }
  InformerOptions options = SecretsIn("a");
  options.initial_backoff = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(100);
  Informer informer(&client, options, [](const std::string&) {});
  informer.Start();
  absl::SleepFor(absl::Milliseconds(300));
  informer.Stop();
  CHECK(transport->requests().size() < 30);
  CHECK_FALSE(informer.HasSynced());
}

}  // namespace
}  // namespace nauthera::controller::kube
