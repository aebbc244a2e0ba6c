// The Kubernetes client against a real kube-apiserver + etcd (tests/cluster/control_plane.sh),
// run by kube_cluster_test.sh, which provides:
//   KUBECONFIG                    admin kubeconfig (client certificate, CA file)
//   KUBE_TEST_WORKDIR             the control plane's folder (for apiserver_ctl.sh)
//   KUBE_TEST_APISERVER_CTL       tests/kube/apiserver_ctl.sh (restart, compact)
//   KUBE_TEST_NORBAC_TOKEN_FILE   a service-account token with no RBAC permission at all
//   KUBE_TEST_OTHER_CA            a CA that did not sign the API server's certificate
//   KUBE_TEST_NAMESPACE_FILE      a service-account mount's namespace file ("default")
//   CP_CA_FILE                    the cluster CA (set by control_plane.sh)
// The CRDs of charts/nauthera/crds are installed before it runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "controller/kube/api_status.h"
#include "controller/kube/events.h"
#include "controller/kube/http_kube_client.h"
#include "controller/kube/informer.h"
#include "controller/kube/kube_config.h"
#include "controller/kube/leader_elector.h"
#include "controller/kube/lease.h"
#include "tests/kube/partitionable_client.h"

namespace nauthera::controller::kube {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') FAIL(name << " is not set: run kube_cluster_test.sh");
  return value;
}

KubeClient& Client() {
  static KubeClient* client = [] {
    absl::StatusOr<KubeConfig> config = LoadDefaultKubeConfig();
    if (!config.ok()) FAIL("kubeconfig: " << config.status());
    absl::StatusOr<std::unique_ptr<HttpKubeClient>> made = HttpKubeClient::FromConfig(*config);
    if (!made.ok()) FAIL("client: " << made.status());
    return made->release();
  }();
  return *client;
}

// A namespace of the test's own, so cases do not see each other's objects.
std::string Namespace(const std::string& name) {
  absl::StatusOr<Object> made =
      Client().Create(refs::Namespaces(), "", {{"metadata", {{"name", name}}}});
  if (!made.ok() && made.status().code() != absl::StatusCode::kAlreadyExists) {
    FAIL("namespace " << name << ": " << made.status());
  }
  return name;
}

void ApiserverCtl(const std::string& command) {
  std::string line = absl::StrCat(Env("KUBE_TEST_APISERVER_CTL"), " ", command, " ",
                                  Env("KUBE_TEST_WORKDIR"), " >&2");
  REQUIRE(std::system(line.c_str()) == 0);
}

bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return condition();
}

Object Secret(const std::string& name, const std::string& value,
              const Object& labels = Object::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"stringData", {{"value", value}}}};
}

std::string DataValue(const Object& secret) {
  return secret["data"]["value"].get<std::string>();  // base64
}

TEST_CASE("cluster: Secrets are created, read, listed by label, updated, patched and deleted") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-crud");
  absl::StatusOr<Object> created = client.Create(refs::Secrets(), ns, Secret("a", "1", {{"app", "x"}}));
  REQUIRE(created.ok());
  CHECK(!UidOf(*created).empty());
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("b", "2")).ok());

  absl::StatusOr<Object> got = client.Get(refs::Secrets(), ns, "a");
  REQUIRE(got.ok());
  CHECK(DataValue(*got) == "MQ==");

  ListOptions by_label;
  by_label.label_selector = "app=x";
  absl::StatusOr<ObjectList> labelled = client.List(refs::Secrets(), ns, by_label);
  REQUIRE(labelled.ok());
  REQUIRE(labelled->items.size() == 1);
  CHECK(NameOf(labelled->items[0]) == "a");
  CHECK(!labelled->resource_version.empty());

  Object changed = *got;
  changed["data"]["value"] = "Mg==";
  absl::StatusOr<Object> updated = client.Update(refs::Secrets(), ns, changed);
  REQUIRE(updated.ok());
  CHECK(ResourceVersionOf(*updated) != ResourceVersionOf(*got));

  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kMerge,
                       R"({"metadata":{"annotations":{"merged":"yes"}}})").ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kJson,
                       R"([{"op":"add","path":"/metadata/labels/patched","value":"json"}])").ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kStrategicMerge,
                       R"({"metadata":{"labels":{"strategic":"yes"}}})").ok());
  got = client.Get(refs::Secrets(), ns, "a");
  REQUIRE(got.ok());
  CHECK((*got)["metadata"]["annotations"]["merged"] == "yes");
  CHECK((*got)["metadata"]["labels"]["patched"] == "json");
  CHECK((*got)["metadata"]["labels"]["strategic"] == "yes");

  // A delete whose precondition no longer holds is refused as a conflict.
  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "00000000-0000-0000-0000-000000000000";
  CHECK(client.Delete(refs::Secrets(), ns, "a", wrong_uid).code() == absl::StatusCode::kAborted);
  DeleteOptions right;
  right.precondition_uid = UidOf(*got);
  right.propagation_policy = "Background";
  REQUIRE(client.Delete(refs::Secrets(), ns, "a", right).ok());
  CHECK(client.Get(refs::Secrets(), ns, "a").status().code() == absl::StatusCode::kNotFound);
  CHECK(client.Delete(refs::Secrets(), ns, "a").code() == absl::StatusCode::kNotFound);
}

TEST_CASE("cluster: a stale resourceVersion is kAborted; an existing name kAlreadyExists") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-conflict");
  absl::StatusOr<Object> first = client.Create(refs::Secrets(), ns, Secret("s", "1"));
  REQUIRE(first.ok());
  absl::Status again = client.Create(refs::Secrets(), ns, Secret("s", "1")).status();
  CHECK(again.code() == absl::StatusCode::kAlreadyExists);
  CHECK(KubeReason(again) == "AlreadyExists");

  Object one = *first;
  one["data"]["value"] = "YQ==";
  REQUIRE(client.Update(refs::Secrets(), ns, one).ok());
  Object stale = *first;  // still carries the first resourceVersion
  stale["data"]["value"] = "Yg==";
  absl::Status conflict = client.Update(refs::Secrets(), ns, stale).status();
  CHECK(conflict.code() == absl::StatusCode::kAborted);
  CHECK(KubeReason(conflict) == "Conflict");
  CHECK(std::string(conflict.message()).find("the object has been modified") != std::string::npos);
}

TEST_CASE("cluster: server-side apply is idempotent, and takes fields from others only by force") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-apply");
  Object intent = {{"metadata", {{"name", "s"}, {"labels", {{"owner", "nauthera"}}}}},
                   {"stringData", {{"value", "1"}}}};
  absl::StatusOr<Object> first = Apply(client, refs::Secrets(), ns, intent, "nauthera");
  REQUIRE(first.ok());
  absl::StatusOr<Object> second = Apply(client, refs::Secrets(), ns, intent, "nauthera");
  REQUIRE(second.ok());
  CHECK(ResourceVersionOf(*second) == ResourceVersionOf(*first));  // nothing changed

  Object rival = {{"metadata", {{"name", "s"}, {"labels", {{"owner", "someone-else"}}}}}};
  absl::Status refused =
      Apply(client, refs::Secrets(), ns, rival, "rival", /*force=*/false).status();
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(refused.message()).find("conflict") != std::string::npos);
  absl::StatusOr<Object> forced = Apply(client, refs::Secrets(), ns, rival, "rival", true);
  REQUIRE(forced.ok());
  CHECK((*forced)["metadata"]["labels"]["owner"] == "someone-else");
}

Object OidcClient(const std::string& name) {
  return {{"apiVersion", "auth.nauthera.io/v1alpha1"},
          {"kind", "OidcClient"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"displayName", "Web"},
            {"redirectUris", {"https://web.example/callback"}},
            {"allowedScopes", {"openid"}},
            {"grantTypes", {"authorization_code"}}}}};
}

TEST_CASE("cluster: an OidcClient's status is written through the status subresource") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-status");
  absl::StatusOr<Object> created = client.Create(refs::OidcClients(), ns, OidcClient("web"));
  REQUIRE(created.ok());
  int64_t generation = (*created)["metadata"]["generation"].get<int64_t>();

  Object status_intent = {
      {"metadata", {{"name", "web"}}},
      {"status",
       {{"observedGeneration", generation},
        {"clientId", "0123456789abcdef0123456789abcdef"},
        {"conditions",
         {{{"type", "Ready"},
           {"status", "False"},
           {"reason", "NoPolicy"},
           {"message", "no AuthPolicy or ClusterAuthPolicy governs namespace kube-status"},
           {"lastTransitionTime", "2026-11-29T00:00:00Z"}}}}}}};
  absl::StatusOr<Object> applied =
      ApplyStatus(client, refs::OidcClients(), ns, status_intent, "nauthera-controller");
  REQUIRE(applied.ok());
  CHECK((*applied)["status"]["conditions"][0]["reason"] == "NoPolicy");
  // Applying the same status again changes nothing.
  absl::StatusOr<Object> again =
      ApplyStatus(client, refs::OidcClients(), ns, status_intent, "nauthera-controller");
  REQUIRE(again.ok());
  CHECK(ResourceVersionOf(*again) == ResourceVersionOf(*applied));

  // PUT /status writes status only: a spec change sent along is ignored.
  Object edited = *again;
  edited["spec"]["displayName"] = "changed through status";
  edited["status"]["clientId"] = "fedcba9876543210fedcba9876543210";
  absl::StatusOr<Object> put = UpdateStatus(client, refs::OidcClients(), ns, edited);
  REQUIRE(put.ok());
  absl::StatusOr<Object> now = client.Get(refs::OidcClients(), ns, "web");
  REQUIRE(now.ok());
  CHECK((*now)["spec"]["displayName"] == "Web");
  CHECK((*now)["status"]["clientId"] == "fedcba9876543210fedcba9876543210");
  CHECK((*now)["metadata"]["generation"].get<int64_t>() == generation);
}

TEST_CASE("cluster: an object the schema refuses is kInvalidArgument naming the field") {
  Object bad = OidcClient("bad");
  bad["spec"]["authMethod"] = "none";  // a public client must require PKCE (CEL rule)
  std::string ns = Namespace("kube-invalid");
  absl::Status status = Client().Create(refs::OidcClients(), ns, bad).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(KubeReason(status) == "Invalid");
  CHECK(std::string(status.message()).find("spec.pkce.required") != std::string::npos);
}

TEST_CASE("cluster: ListAll pages through a collection with limit/continue") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-paging");
  for (int i = 0; i < 5; ++i) {
    REQUIRE(client.Create(refs::Secrets(), ns, Secret(absl::StrCat("p", i), "x")).ok());
  }
  ListOptions page;
  page.limit = 2;
  absl::StatusOr<ObjectList> first = client.List(refs::Secrets(), ns, page);
  REQUIRE(first.ok());
  CHECK(first->items.size() == 2);
  CHECK(!first->continue_token.empty());
  absl::StatusOr<ObjectList> all = ListAll(client, refs::Secrets(), ns, page);
  REQUIRE(all.ok());
  CHECK(all->items.size() == 5);
}

TEST_CASE("cluster: an Event about an OidcClient is recorded") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-events");
  absl::StatusOr<Object> oidc = client.Create(refs::OidcClients(), ns, OidcClient("web"));
  REQUIRE(oidc.ok());
  EventSpec spec;
  spec.regarding = ReferenceTo(*oidc);
  spec.type = "Warning";
  spec.reason = "SecretRecreated";
  spec.note = "Secret web-credentials was deleted by hand; a new client secret was issued";
  spec.reporting_instance = "kube-cluster-test";
  absl::StatusOr<Object> event = CreateEvent(client, spec);
  REQUIRE(event.ok());
  absl::StatusOr<Object> read = client.Get(refs::Events(), ns, NameOf(*event));
  REQUIRE(read.ok());
  CHECK((*read)["regarding"]["uid"] == UidOf(*oidc));
  CHECK((*read)["reason"] == "SecretRecreated");
  // The same Event through core/v1, as `kubectl describe` reads it.
  absl::StatusOr<Object> core = client.Get(refs::CoreEvents(), ns, NameOf(*event));
  REQUIRE(core.ok());
  CHECK((*core)["involvedObject"]["name"] == "web");
}

// Collects the events of one watch running on a thread of its own.
class WatchRecorder {
 public:
  WatchRecorder(KubeClient& client, const std::string& ns, WatchOptions options) {
    thread_ = std::thread([this, &client, ns, options] {
      absl::Status status = client.Watch(
          refs::Secrets(), ns, options,
          [this](const WatchEvent& event) {
            absl::MutexLock lock(&mu_);
            seen_.push_back(absl::StrCat(WatchEventTypeName(event.type), " ", NameOf(event.object)));
            if (event.type == WatchEventType::kBookmark) {
              bookmark_version_ = std::stoll(ResourceVersionOf(event.object));
            }
            return true;
          },
          &cancel_);
      absl::MutexLock lock(&mu_);
      ended_ = status;
      done_ = true;
    });
  }
  ~WatchRecorder() {
    cancel_.Cancel();
    thread_.join();
  }
  bool Saw(const std::string& entry) const {
    absl::MutexLock lock(&mu_);
    return std::find(seen_.begin(), seen_.end(), entry) != seen_.end();
  }
  std::vector<std::string> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  bool done() const {
    absl::MutexLock lock(&mu_);
    return done_;
  }
  absl::Status ended() const {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  int64_t bookmark_version() const {
    absl::MutexLock lock(&mu_);
    return bookmark_version_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> seen_;
  int64_t bookmark_version_ = 0;
  bool done_ = false;
  absl::Status ended_;
  Cancellation cancel_;
  std::thread thread_;
};

TEST_CASE("cluster: a watch from a list's version sees create, update, delete and bookmarks") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-watch");
  absl::StatusOr<ObjectList> list = client.List(refs::Secrets(), ns);
  REQUIRE(list.ok());
  WatchOptions options;
  options.resource_version = list->resource_version;
  options.timeout_seconds = 5;  // the server ends it, with bookmarks before the end
  WatchRecorder watch(client, ns, options);
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("w", "1")).ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "w", PatchType::kMerge,
                       R"({"stringData":{"value":"2"}})").ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "w").ok());
  CHECK(Eventually([&] { return watch.Saw("DELETED w"); }, absl::Seconds(5)));
  CHECK_FALSE(watch.done());  // events arrive as they happen, not when the stream ends
  // A write elsewhere moves the cluster's resourceVersion on; nothing reaches this watch but a
  // BOOKMARK saying how far it is, so a later watch need not start from an older version. (The
  // API server sends bookmarks only when it has a newer version to tell.)
  absl::StatusOr<Object> elsewhere =
      client.Create(refs::Secrets(), Namespace("kube-watch-elsewhere"), Secret("e", "1"));
  REQUIRE(elsewhere.ok());
  CHECK(Eventually([&] { return watch.done(); }, absl::Seconds(10)));
  std::vector<std::string> seen = watch.seen();
  CAPTURE(seen);
  CHECK(watch.ended().ok());  // the server ended it at timeoutSeconds
  CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 3) ==
        std::vector<std::string>{"ADDED w", "MODIFIED w", "DELETED w"});
  CHECK(std::count(seen.begin(), seen.end(), "BOOKMARK ") >= 1);
  CHECK(watch.bookmark_version() >= std::stoll(ResourceVersionOf(*elsewhere)));
}

TEST_CASE("cluster: a cancelled watch on a quiet collection returns at once") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-cancel");
  auto watch = std::make_unique<WatchRecorder>(client, ns, WatchOptions{});
  absl::SleepFor(absl::Milliseconds(500));
  absl::Time start = absl::Now();
  watch.reset();  // cancels and joins
  CHECK(absl::Now() - start < absl::Seconds(2));
}

class KeyRecorder {
 public:
  void operator()(const std::string& key) {
    absl::MutexLock lock(&mu_);
    keys_.push_back(key);
  }
  bool Saw(const std::string& key) const {
    absl::MutexLock lock(&mu_);
    return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    keys_.clear();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> keys_;
};

InformerOptions FastInformer(const std::string& ns) {
  InformerOptions options;
  options.ref = refs::Secrets();
  options.ns = ns;
  options.page_size = 2;  // several pages even here
  options.watch_timeout_seconds = 30;
  options.initial_backoff = absl::Milliseconds(100);
  options.max_backoff = absl::Seconds(1);
  return options;
}

// Whether the informer's cache holds exactly what the API server holds.
bool CacheMatchesServer(const Informer& informer, const std::string& ns) {
  absl::StatusOr<ObjectList> list = Client().List(refs::Secrets(), ns);
  if (!list.ok()) return false;
  std::vector<std::string> keys = informer.Keys();
  if (keys.size() != list->items.size()) return false;
  for (const Object& item : list->items) {
    std::optional<Object> cached = informer.Get(KeyOf(item));
    if (!cached || ResourceVersionOf(*cached) != ResourceVersionOf(item)) return false;
  }
  return true;
}

TEST_CASE("cluster: after etcd compaction and an API server restart, a watch from an old version "
          "is expired and the informer relists without missing a change") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-expired");
  for (const char* name : {"x1", "x2", "x3"}) {
    REQUIRE(client.Create(refs::Secrets(), ns, Secret(name, "0")).ok());
  }
  testing::PartitionableClient link(&client);
  KeyRecorder changes;
  Informer informer(&link, FastInformer(ns), std::ref(changes));
  informer.Start();
  REQUIRE(informer.WaitForSync(absl::Seconds(10)));
  REQUIRE(Eventually([&] { return CacheMatchesServer(informer, ns); }, absl::Seconds(5)));
  std::string old_version = informer.resource_version();

  // While the informer is cut off: an update, a delete, a create; then etcd forgets every
  // older revision and the API server's watch cache starts over after the compaction.
  link.Partition();
  changes.Clear();
  REQUIRE(client.Patch(refs::Secrets(), ns, "x1", PatchType::kMerge,
                       R"({"stringData":{"value":"1"}})").ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "x2").ok());
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("x4", "0")).ok());
  ApiserverCtl("compact");
  ApiserverCtl("restart");

  WatchOptions too_old;
  too_old.resource_version = old_version;
  absl::Status expired = client.Watch(refs::Secrets(), ns, too_old, [](const WatchEvent&) {
    return true;
  });
  CAPTURE(expired);
  CHECK(IsResourceExpired(expired));

  link.Heal();
  CHECK(Eventually([&] { return CacheMatchesServer(informer, ns); }, absl::Seconds(15)));
  CHECK(changes.Saw(ns + "/x1"));
  CHECK(changes.Saw(ns + "/x2"));  // deleted while away: found by the relist
  CHECK(changes.Saw(ns + "/x4"));
  CHECK_FALSE(informer.Get(ns + "/x2").has_value());
  CHECK(informer.stats().expired >= 1);
  informer.Stop();
}

TEST_CASE("cluster: the informer catches up after the API server restarts under its watch") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-restart");
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("r1", "0")).ok());
  KeyRecorder changes;
  Informer informer(&client, FastInformer(ns), std::ref(changes));
  informer.Start();
  REQUIRE(informer.WaitForSync(absl::Seconds(10)));
  int watches_before = informer.stats().watches;
  ApiserverCtl("restart");
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("r2", "0")).ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "r1").ok());
  CHECK(Eventually([&] { return CacheMatchesServer(informer, ns); }, absl::Seconds(15)));
  CHECK(changes.Saw(ns + "/r2"));
  CHECK_FALSE(informer.Get(ns + "/r1").has_value());
  CHECK(informer.stats().watches > watches_before);  // it watched again
  informer.Stop();
}

// The in-cluster configuration of a pod, with the service-account mount made by the script.
absl::StatusOr<KubeConfig> InClusterAs(const std::string& token_file) {
  absl::StatusOr<KubeConfig> admin = LoadDefaultKubeConfig();
  if (!admin.ok()) return admin.status();
  std::string server = admin->server;  // https://127.0.0.1:PORT
  InClusterOptions options;
  options.host = "127.0.0.1";
  options.port = server.substr(server.rfind(':') + 1);
  options.token_path = token_file;
  options.ca_path = Env("CP_CA_FILE");
  options.namespace_path = Env("KUBE_TEST_NAMESPACE_FILE");
  return LoadInClusterConfig(options);
}

TEST_CASE("cluster: a service-account token without RBAC is kPermissionDenied, saying what") {
  absl::StatusOr<KubeConfig> config = InClusterAs(Env("KUBE_TEST_NORBAC_TOKEN_FILE"));
  REQUIRE(config.ok());
  CHECK(config->default_namespace == "default");
  absl::StatusOr<std::unique_ptr<HttpKubeClient>> client = HttpKubeClient::FromConfig(*config);
  REQUIRE(client.ok());
  absl::Status denied = (*client)->List(refs::Secrets(), "default").status();
  CAPTURE(denied);
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  std::string message(denied.message());
  CHECK(message.find("system:serviceaccount:default:nauthera-norbac") != std::string::npos);
  CHECK(message.find("cannot list resource \"secrets\"") != std::string::npos);
  absl::Status watch_denied =
      (*client)->Watch(refs::OidcClients(), "", {}, [](const WatchEvent&) { return true; });
  CHECK(watch_denied.code() == absl::StatusCode::kPermissionDenied);

  KubeConfig stranger_config = *config;
  stranger_config.token = TokenSource::Fixed("not-a-token");
  absl::StatusOr<std::unique_ptr<HttpKubeClient>> stranger =
      HttpKubeClient::FromConfig(stranger_config);
  REQUIRE(stranger.ok());
  CHECK((*stranger)->List(refs::Secrets(), "default").status().code() ==
        absl::StatusCode::kUnauthenticated);
}

TEST_CASE("cluster: a rotated service-account token is read again after a 401") {
  std::string token_file = Env("KUBE_TEST_WORKDIR") + "/rotating.token";
  {
    std::ofstream(token_file) << "expired-token";
  }
  absl::StatusOr<KubeConfig> config = InClusterAs(token_file);
  REQUIRE(config.ok());
  absl::StatusOr<std::unique_ptr<HttpKubeClient>> client = HttpKubeClient::FromConfig(*config);
  REQUIRE(client.ok());
  // The kubelet writes the new token; the next request is refused (401) with the old one,
  // re-reads the file and is judged with the new one: authenticated, so 403 (no RBAC).
  std::ifstream fresh(Env("KUBE_TEST_NORBAC_TOKEN_FILE"));
  std::string token((std::istreambuf_iterator<char>(fresh)), std::istreambuf_iterator<char>());
  {
    std::ofstream(token_file) << token;
  }
  CHECK((*client)->List(refs::Secrets(), "default").status().code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("cluster: a server certificate the pinned CA did not sign is refused") {
  absl::StatusOr<KubeConfig> config = LoadDefaultKubeConfig();
  REQUIRE(config.ok());
  std::ifstream in(Env("KUBE_TEST_OTHER_CA"));
  config->ca_pem.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  absl::StatusOr<std::unique_ptr<HttpKubeClient>> client = HttpKubeClient::FromConfig(*config);
  REQUIRE(client.ok());
  absl::Status refused = (*client)->Get(refs::Namespaces(), "", "default").status();
  CAPTURE(refused);
  CHECK(refused.code() == absl::StatusCode::kUnavailable);
}

// Leader election: two candidates for one Lease, timings shortened (client-go's ratios).
LeaderElectorOptions QuickElection(const std::string& ns, const std::string& identity) {
  LeaderElectorOptions options;
  options.lease_namespace = ns;
  options.lease_name = "nauthera-controller";
  options.identity = identity;
  options.lease_duration = absl::Seconds(3);
  options.renew_deadline = absl::Seconds(2);
  options.retry_period = absl::Milliseconds(400);
  return options;
}

// When each candidate started and stopped leading.
struct Tenure {
  mutable absl::Mutex mu;
  absl::Time started = absl::InfinitePast();
  absl::Time stopped = absl::InfinitePast();
  LeaderCallbacks Callbacks() {
    return {[this] {
              absl::MutexLock lock(&mu);
              started = absl::Now();
            },
            [this] {
              absl::MutexLock lock(&mu);
              stopped = absl::Now();
            },
            nullptr};
  }
  absl::Time Started() const {
    absl::MutexLock lock(&mu);
    return started;
  }
  absl::Time Stopped() const {
    absl::MutexLock lock(&mu);
    return stopped;
  }
};

TEST_CASE("cluster: two candidates, one leader; a stopping leader hands over at once") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-election");
  Tenure tenure_a, tenure_b;
  auto a = LeaderElector::Create(&client, QuickElection(ns, "a"), tenure_a.Callbacks());
  auto b = LeaderElector::Create(&client, QuickElection(ns, "b"), tenure_b.Callbacks());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  (*a)->Start();
  REQUIRE(Eventually([&] { return (*a)->IsLeader(); }, absl::Seconds(5)));
  (*b)->Start();
  absl::SleepFor(absl::Seconds(1));  // several of b's attempts, all refused
  CHECK_FALSE((*b)->IsLeader());
  CHECK((*b)->observed_leader() == "a");
  absl::StatusOr<LeaseRecord> lease = GetLease(client, ns, "nauthera-controller");
  REQUIRE(lease.ok());
  CHECK(lease->holder_identity == "a");
  CHECK(lease->lease_duration_seconds == 3);

  absl::Time stop = absl::Now();
  (*a)->Stop();  // releases the Lease
  REQUIRE(Eventually([&] { return (*b)->IsLeader(); }, absl::Seconds(3)));
  // Released, so b need not wait out the 3 s lease.
  CHECK(absl::Now() - stop < absl::Seconds(2));
  CHECK(tenure_a.Stopped() <= tenure_b.Started());
  lease = GetLease(client, ns, "nauthera-controller");
  REQUIRE(lease.ok());
  CHECK(lease->holder_identity == "b");
  CHECK(lease->lease_transitions >= 1);

  // A stale write to the Lease is refused: the resourceVersion guards it.
  LeaseRecord stale = *lease;
  stale.resource_version = "1";
  stale.holder_identity = "intruder";
  CHECK(UpdateLease(client, ns, "nauthera-controller", stale).status().code() ==
        absl::StatusCode::kAborted);
  (*b)->Stop();
}

TEST_CASE("cluster: a leader cut off from the API server steps down before another takes over") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-failover");
  testing::PartitionableClient link_a(&client);
  Tenure tenure_a, tenure_b;
  auto a = LeaderElector::Create(&link_a, QuickElection(ns, "a"), tenure_a.Callbacks());
  auto b = LeaderElector::Create(&client, QuickElection(ns, "b"), tenure_b.Callbacks());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  (*a)->Start();
  REQUIRE(Eventually([&] { return (*a)->IsLeader(); }, absl::Seconds(5)));
  (*b)->Start();
  absl::SleepFor(absl::Milliseconds(800));
  link_a.Partition();  // a can no longer renew; nothing releases the Lease
  REQUIRE(Eventually([&] { return (*b)->IsLeader(); }, absl::Seconds(8)));
  CHECK_FALSE((*a)->IsLeader());
  // No overlap: a stopped (renew deadline, 2 s) before b started (lease duration, 3 s).
  CHECK(tenure_a.Stopped() < tenure_b.Started());
  (*a)->Stop();
  (*b)->Stop();
}

}  // namespace
}  // namespace nauthera::controller::kube
