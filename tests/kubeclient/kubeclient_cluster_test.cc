// The Kubernetes client against a real kube-apiserver + etcd (tests/cluster/control_plane.sh),
// run by kubeclient_cluster_test.sh, which provides:
//   KUBECONFIG                    admin kubeconfig (client certificate, CA file)
//   KUBE_TEST_WORKDIR             the control plane's folder (for apiserver_ctl.sh)
//   KUBE_TEST_APISERVER_CTL       tests/kubeclient/apiserver_ctl.sh (restart, compact)
//   KUBE_TEST_NORBAC_TOKEN_FILE   a service-account token with no RBAC permission at all
//   KUBE_TEST_OTHER_CA            a CA that did not sign the API server's certificate
//   KUBE_TEST_NAMESPACE_FILE      a service-account mount's namespace file ("default")
//   CP_CA_FILE                    the cluster CA (set by control_plane.sh)
// The CRDs of charts/nauthera/crds are installed before it runs. This binary also runs the
// conformance suite (conformance.cc) with the real API server as its target; the cases here
// are those only a real API server can answer (schemas, RBAC, TLS, restarts, field managers).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/events.h"
#include "controller/kubeclient/http_kube_client.h"
#include "controller/kubeclient/informer.h"
#include "controller/kubeclient/kube_config.h"
#include "tests/kubeclient/conformance.h"
#include "tests/kubeclient/kube_test_helpers.h"

namespace nauthera::controller::kube {
namespace {

using testing::Eventually;
using testing::OidcClient;
using testing::Secret;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') FAIL(name << " is not set: run kubeclient_cluster_test.sh");
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

class RealTarget : public testing::ConformanceTarget {
 public:
  KubeClient& client() override { return Client(); }
  std::string Namespace(const std::string& name) override {
    return kube::Namespace(name);
  }
  // etcd forgets every older revision, and the restarted API server's watch cache starts
  // after that: a watch from an older version gets 410 in its stream.
  void ExpireOldVersions() override {
    ApiserverCtl("compact");
    ApiserverCtl("restart");
  }
};

TEST_CASE("cluster: server-side apply takes fields another manager owns only by force") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-managers");
  Object intent = {{"metadata", {{"name", "s"}, {"labels", {{"owner", "nauthera"}}}}}};
  REQUIRE(Apply(client, refs::Secrets(), ns, intent, "nauthera").ok());
  Object rival = {{"metadata", {{"name", "s"}, {"labels", {{"owner", "someone-else"}}}}}};
  absl::Status refused =
      Apply(client, refs::Secrets(), ns, rival, "rival", /*force=*/false).status();
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(refused.message()).find("conflict") != std::string::npos);
  absl::StatusOr<Object> forced = Apply(client, refs::Secrets(), ns, rival, "rival", true);
  REQUIRE(forced.ok());
  CHECK((*forced)["metadata"]["labels"]["owner"] == "someone-else");
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

TEST_CASE("cluster: the informer catches up after the API server restarts under its watch") {
  using testing::KeyRecorder;
  KubeClient& client = Client();
  std::string ns = Namespace("kube-restart");
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("r1", "0")).ok());
  KeyRecorder changes;
  Informer informer(&client, testing::FastInformer(ns), std::ref(changes));
  informer.Start();
  REQUIRE(informer.WaitForSync(absl::Seconds(10)));
  int watches_before = informer.stats().watches;
  ApiserverCtl("restart");
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("r2", "0")).ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "r1").ok());
  CHECK(Eventually([&] { return testing::CacheMatches(informer, client, ns); }, absl::Seconds(15)));
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

// This process's established TCP connections to `port` (from /proc: socket inodes of our
// file descriptors, matched against the kernel's TCP table).
int ConnectionsTo(int port) {
  std::set<std::string> ours;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    std::string target = std::filesystem::read_symlink(fd.path(), error).string();
    if (!error && target.rfind("socket:[", 0) == 0) ours.insert(target.substr(8, target.size() - 9));
  }
  int count = 0;
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      int remote_port = std::stoi(remote.substr(remote.find(':') + 1), nullptr, 16);
      if (remote_port == port && state == "01" && ours.count(inode) > 0) ++count;
    }
  }
  return count;
}

TEST_CASE("cluster: a watch its handler stops closes its connection") {
  KubeClient& client = Client();
  std::string ns = Namespace("kube-stop");
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("s", "1")).ok());
  absl::StatusOr<KubeConfig> config = LoadDefaultKubeConfig();
  REQUIRE(config.ok());
  int port = std::stoi(config->server.substr(config->server.rfind(':') + 1));
  int before = ConnectionsTo(port);
  for (int i = 0; i < 10; ++i) {
    // From "now": the existing Secret arrives as ADDED at once, and the handler stops.
    REQUIRE(client.Watch(refs::Secrets(), ns, {}, [](const WatchEvent&) { return false; }).ok());
  }
  CAPTURE(before);
  CHECK(Eventually([&] { return ConnectionsTo(port) <= before + 1; }, absl::Seconds(5)));
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

}  // namespace

testing::ConformanceTarget& testing::Target() {
  static ConformanceTarget* target = new RealTarget();
  return *target;
}

}  // namespace nauthera::controller::kube
