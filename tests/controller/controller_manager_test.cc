#include <catch2/catch.hpp>

#include "controller/reconcilers/user_reconciler.h"

#include "controller/manager/controller_manager.h"
#include "controller/reconcilers/folder_credential_store.h"
#include "controller/source/folder_source.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
namespace pb = nauthera::v1;

// A controller on a manifests folder and a state folder, reconciled by hand.
class Harness {
 public:
  explicit Harness(const std::string& manifests = "") {
    manifests_ = manifests.empty() ? dir_.Path("manifests") : manifests;
    std::filesystem::create_directories(manifests_);
    keys_ = *KeyRing::LoadOrCreate(dir_.Path("state/keys/k.yaml"), 1);
    Restart();
  }

  // A new process on the same folders.
  void Restart() {
    FolderSource::Options options;
    options.folder = manifests_;
    options.wait_until_stable = false;
    source_ = *FolderSource::Create(options);
    store_ = std::make_unique<FolderCredentialStore>(dir_.Path("state/secrets"));
    board_ = std::make_unique<StatusBoard>(dir_.Path("state"));
    broadcaster_ = std::make_unique<StateBroadcaster>();
    ControllerManager::Options manager_options;
    manager_options.issuer = IssuerSettings{"http://127.0.0.1:8080", 60};
    manager_options.clock = [] { return int64_t{42}; };
    manager_ = std::make_unique<ControllerManager>(manager_options, *store_, *keys_,
                                                   *broadcaster_, *board_);
  }

  void Write(const std::string& file, const std::string& content) {
    WriteFile(manifests_ + "/" + file, content);
  }

  absl::Status Reconcile() {
    source_->Refresh();
    return manager_->Reconcile(source_->Current());
  }

  ObjectStatus Status(const std::string& kind, const std::string& ns, const std::string& name) {
    for (const ObjectStatus& s : board_->Statuses()) {
      if (s.kind == kind && s.ns == ns && s.name == name) return s;
    }
    FAIL("no status for " << kind << " " << ns << "/" << name);
    return {};
  }

  const pb::Client* Client(const std::string& ns, const std::string& name) {
    auto state = broadcaster_->Latest();
    REQUIRE(state != nullptr);
    for (const pb::Client& c : state->clients()) {
      if (c.namespace_() == ns && c.name() == name) return &c;
    }
    return nullptr;
  }

  const pb::User* User(const std::string& username) {
    auto state = broadcaster_->Latest();
    REQUIRE(state != nullptr);
    for (const pb::User& u : state->users()) {
      if (u.username() == username) return &u;
    }
    return nullptr;
  }

  std::string SecretPath(const std::string& ns, const std::string& name) {
    return dir_.Path("state/secrets/" + ns + "/" + name + "-credentials.yaml");
  }
  StateBroadcaster& broadcaster() { return *broadcaster_; }
  std::string StateFile(const std::string& name) { return ReadFile(dir_.Path("state/" + name)); }

 private:
  TempDir dir_;
  std::string manifests_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<FolderSource> source_;
  std::unique_ptr<FolderCredentialStore> store_;
  std::unique_ptr<StatusBoard> board_;
  std::unique_ptr<StateBroadcaster> broadcaster_;
  std::unique_ptr<ControllerManager> manager_;
};

constexpr char kClusterPolicy[] = R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: ClusterAuthPolicy
metadata: {name: default}
spec:
  namespaceSelector:
    matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [lonely]}]
  allowedScopes: [openid, profile, email, groups]
  allowedGrantTypes: [authorization_code, refresh_token, client_credentials]
  requirePKCE: true
)";

constexpr char kCiPolicy[] = R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: AuthPolicy
metadata: {name: ci-tokens, namespace: ci-cd}
spec:
  allowedScopes: [openid, email]
  accessTokenTTL: 10m
)";

std::string Sa(const std::string& name, const std::string& ns, const std::string& scopes) {
  return "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\nmetadata: {name: " +
         name + ", namespace: " + ns + "}\nspec:\n  allowedScopes: " + scopes +
         "\n  groups: [ci]\n";
}

TEST_CASE("the quickstart comes up with ci-deployer and kubectl Ready", "[manager]") {
  Harness h(std::string(NAUTHERA_SOURCE_DIR) + "/examples/quickstart");
  REQUIRE(h.Reconcile().ok());
  CHECK(h.Status("NautheraServiceAccount", "ci-cd", "ci-deployer").reason == "Ready");
  CHECK(h.Status("OidcClient", "nauthera-system", "kubectl").reason == "Ready");
  CHECK(h.Status("ClusterAuthPolicy", "", "default").governs == 2);
  const pb::Client* sa = h.Client("ci-cd", "ci-deployer");
  REQUIRE(sa != nullptr);
  CHECK(sa->email() == "ci-deployer@ci-cd.svc");
  CHECK(sa->policy().access_token_ttl_seconds() == 600);
  CHECK(sa->groups(0) == "ci");
  std::string table = h.StateFile("status.txt");
  CHECK(table.find("KIND") == 0);
  CHECK(table.find("ci-deployer") != std::string::npos);
  CHECK(h.StateFile("status.json").find("\"credentialsSecretRef\"") != std::string::npos);
  // The people of Option A reach the State with their hashes, never a plain password.
  CHECK(h.Status("NautheraUser", "", "alice").reason == "Ready");
  const pb::User* alice = h.User("alice");
  REQUIRE(alice != nullptr);
  CHECK(alice->subject() == UserSubject("alice"));
  CHECK(alice->groups(0) == "developers");
  CHECK(alice->password_hash().rfind("$argon2id$", 0) == 0);
  REQUIRE(h.User("bob") != nullptr);
}

TEST_CASE("audienceClients puts the kubectl client's id into service-account tokens' aud",
          "[manager][audience]") {
  Harness h(std::string(NAUTHERA_SOURCE_DIR) + "/examples/quickstart");
  REQUIRE(h.Reconcile().ok());
  const pb::Client* kubectl = h.Client("nauthera-system", "kubectl");
  const pb::Client* sa = h.Client("ci-cd", "ci-deployer");
  REQUIRE(kubectl != nullptr);
  REQUIRE(sa != nullptr);
  REQUIRE(sa->policy().audiences_size() == 1);
  CHECK(sa->policy().audiences(0) == kubectl->client_id());
  ObjectStatus policy = h.Status("ClusterAuthPolicy", "", "default");
  CHECK(policy.reason == "Ready");
  CHECK(policy.message.find("nauthera-system/kubectl") != std::string::npos);
}

TEST_CASE("audienceClients naming a missing OidcClient: the policy says so, clients served",
          "[manager][audience]") {
  Harness h;
  h.Write("p.yaml", std::string(kClusterPolicy) +
                        "  audienceClients: [{name: kubectl, namespace: nauthera-system}]\n"
                        "  audiences: [argo]\n");
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid, email]"));
  REQUIRE(h.Reconcile().ok());
  ObjectStatus policy = h.Status("ClusterAuthPolicy", "", "default");
  CHECK_FALSE(policy.ready);
  CHECK(policy.reason == "AudienceClientNotFound");
  CHECK(policy.message.find("no OidcClient nauthera-system/kubectl") != std::string::npos);
  const pb::Client* sa = h.Client("ci-cd", "ci-deployer");
  REQUIRE(sa != nullptr);
  CHECK(h.Status("NautheraServiceAccount", "ci-cd", "ci-deployer").reason == "Ready");
  REQUIRE(sa->policy().audiences_size() == 1);
  CHECK(sa->policy().audiences(0) == "argo");
  // The client appears: its id joins the audience on the next pass, and the policy is Ready.
  h.Write("c.yaml", R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: kubectl, namespace: nauthera-system}
spec:
  redirectUris: ["http://localhost:8000"]
  allowedScopes: [openid]
  grantTypes: [authorization_code]
  pkce: {required: true}
  authMethod: none
)");
  REQUIRE(h.Reconcile().ok());
  CHECK(h.Status("ClusterAuthPolicy", "", "default").reason == "Ready");
  const pb::Client* kubectl = h.Client("nauthera-system", "kubectl");
  REQUIRE(kubectl != nullptr);
  sa = h.Client("ci-cd", "ci-deployer");
  REQUIRE(sa->policy().audiences_size() == 2);
  CHECK((sa->policy().audiences(0) == kubectl->client_id() ||
         sa->policy().audiences(1) == kubectl->client_id()));
}

TEST_CASE("a client outside every policy is NoPolicy and not served", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("alone", "lonely", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("NautheraServiceAccount", "lonely", "alone");
  CHECK_FALSE(s.ready);
  CHECK(s.reason == "NoPolicy");
  CHECK(s.message.find("namespace \"lonely\"") != std::string::npos);
  CHECK_FALSE(s.client_id.empty());  // credentials exist already, so the id is stable
  CHECK(h.Client("lonely", "alone") == nullptr);
}

TEST_CASE("a client asking beyond its policy is PolicyViolation, and still served",
          "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("ci.yaml", kCiPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid, email, groups]"));
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("NautheraServiceAccount", "ci-cd", "ci-deployer");
  CHECK(s.reason == "PolicyViolation");
  CHECK(s.message.find("scope \"groups\" is not allowed by AuthPolicy ci-cd/ci-tokens") == 0);
  const pb::Client* c = h.Client("ci-cd", "ci-deployer");
  REQUIRE(c != nullptr);
  CHECK(c->registered_scopes_size() == 3);  // its spec, as written
  CHECK(c->policy().allowed_scopes_size() == 2);  // the token server grants the intersection
}

TEST_CASE("an invalid client spec is InvalidSpec and not served", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("c.yaml", R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: cli, namespace: apps}
spec:
  redirectUris: ["http://localhost:8000"]
  authMethod: none
)");
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("OidcClient", "apps", "cli");
  CHECK(s.reason == "InvalidSpec");
  CHECK(s.message.find("spec.pkce.required") != std::string::npos);
  CHECK(h.Client("apps", "cli") == nullptr);
}

TEST_CASE("a policy that requires PKCE wins over the client's pkce.required: false",
          "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("c.yaml", R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: web, namespace: apps}
spec:
  redirectUris: ["https://web.example.com/cb"]
  allowedScopes: [openid]
  pkce: {required: false}
)");
  REQUIRE(h.Reconcile().ok());
  CHECK(h.Status("OidcClient", "apps", "web").reason == "Ready");
  const pb::Client* c = h.Client("apps", "web");
  REQUIRE(c != nullptr);
  CHECK(c->pkce_required());
  CHECK(c->has_secret_hash());
}

TEST_CASE("a malformed Secret is SecretConflict, untouched, and not served", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid]"));
  WriteFile(h.SecretPath("ci-cd", "ci-deployer"), "garbage: [\n");
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("NautheraServiceAccount", "ci-cd", "ci-deployer");
  CHECK(s.reason == "SecretConflict");
  CHECK(h.Client("ci-cd", "ci-deployer") == nullptr);
  CHECK(ReadFile(h.SecretPath("ci-cd", "ci-deployer")) == "garbage: [\n");
}

TEST_CASE("a client_id copied into another Secret refuses only the copy", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("a", "ci-cd", "[openid]") + "---\n" + Sa("b", "ci-cd", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  std::string a = ReadFile(h.SecretPath("ci-cd", "a"));
  std::string b = ReadFile(h.SecretPath("ci-cd", "b"));
  std::string id_line_a = a.substr(a.find("client_id:"), a.find('\n', a.find("client_id:")) -
                                                           a.find("client_id:"));
  size_t at = b.find("client_id:");
  b.replace(at, b.find('\n', at) - at, id_line_a);
  WriteFile(h.SecretPath("ci-cd", "b"), b);
  h.Write("p.yaml", std::string(kClusterPolicy) + "  accessTokenTTL: 5m\n");  // a new State
  REQUIRE(h.Reconcile().ok());
  CHECK(h.Status("NautheraServiceAccount", "ci-cd", "a").reason == "Ready");
  ObjectStatus s = h.Status("NautheraServiceAccount", "ci-cd", "b");
  CHECK(s.reason == "SecretConflict");
  CHECK(s.message.find("is also used by NautheraServiceAccount ci-cd/a") != std::string::npos);
  CHECK(h.broadcaster().Latest()->clients_size() == 1);
  CHECK(h.broadcaster().Latest()->clients(0).policy().access_token_ttl_seconds() == 300);
}

TEST_CASE("removing an object deletes its Secret and drops it from the state", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  REQUIRE(std::filesystem::exists(h.SecretPath("ci-cd", "ci-deployer")));
  std::string version = h.broadcaster().Latest()->version();
  h.Write("sa.yaml", "");
  REQUIRE(h.Reconcile().ok());
  CHECK_FALSE(std::filesystem::exists(h.SecretPath("ci-cd", "ci-deployer")));
  CHECK(h.broadcaster().Latest()->clients_size() == 0);
  CHECK(h.broadcaster().Latest()->version() != version);
}

TEST_CASE("credentials and state version survive a restart unchanged", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  std::string secret = ReadFile(h.SecretPath("ci-cd", "ci-deployer"));
  auto state = h.broadcaster().Latest();
  REQUIRE(h.Reconcile().ok());
  CHECK(h.broadcaster().Latest() == state);  // nothing changed: nothing published
  h.Restart();
  REQUIRE(h.Reconcile().ok());
  CHECK(ReadFile(h.SecretPath("ci-cd", "ci-deployer")) == secret);
  CHECK(h.broadcaster().Latest()->clients(0).secret_hash().digest() ==
        state->clients(0).secret_hash().digest());
  CHECK(h.broadcaster().Latest()->version() == state->version());
}

TEST_CASE("a broken manifest at start never deletes the credentials it hides", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  std::string secret = ReadFile(h.SecretPath("ci-cd", "ci-deployer"));
  h.Write("sa.yaml", "apiVersion: [\n");  // broken while the controller is down
  h.Restart();
  REQUIRE(h.Reconcile().ok());
  CHECK(ReadFile(h.SecretPath("ci-cd", "ci-deployer")) == secret);
  CHECK(h.StateFile("status.txt").find("not valid YAML") != std::string::npos);
}

TEST_CASE("a broken document keeps its object served and says so", "[manager]") {
  Harness h;
  h.Write("p.yaml", kClusterPolicy);
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "[openid]"));
  REQUIRE(h.Reconcile().ok());
  h.Write("sa.yaml", Sa("ci-deployer", "ci-cd", "openid"));  // a string, not a list
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("NautheraServiceAccount", "ci-cd", "ci-deployer");
  CHECK(s.reason == "InvalidManifest");
  CHECK(s.message.find("sa.yaml, document 1: spec.allowedScopes") != std::string::npos);
  CHECK(s.message.find("last good version is still served") != std::string::npos);
  CHECK(h.Client("ci-cd", "ci-deployer") != nullptr);
}

}  // namespace
}  // namespace nauthera::controller

namespace nauthera::controller {
namespace {

std::string UserDoc(const std::string& name, const std::string& username,
                    const std::string& email) {
  return "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: " + name +
         "}\nspec: {username: \"" + username + "\"" +
         (email.empty() ? "" : ", email: \"" + email + "\"") + "}\n";
}

TEST_CASE("usernames and emails are unique per issuer ignoring case; the later user is refused",
          "[manager]") {
  auto [name, second_username, second_email, reason] =
      GENERATE(table<std::string, std::string, std::string, std::string>({
          {"same username in other case", "Alice", "other@example.com", "UsernameConflict"},
          {"same email in other case", "bob", "ALICE@Example.COM", "EmailConflict"},
          {"same username exactly", "alice", "", "UsernameConflict"},
      }));
  CAPTURE(name);
  Harness h;
  // Files are read in name order: a.yaml holds the earlier user.
  h.Write("a.yaml", UserDoc("alice", "alice", "alice@example.com"));
  h.Write("b.yaml", UserDoc("second", second_username, second_email));
  REQUIRE(h.Reconcile().ok());
  CHECK(h.Status("NautheraUser", "", "alice").reason == "NoPassword");  // served, as before
  ObjectStatus s = h.Status("NautheraUser", "", "second");
  CHECK_FALSE(s.ready);
  CHECK_FALSE(s.served);
  CHECK(s.reason == reason);
  CHECK_THAT(s.message, Catch::Contains("NautheraUser alice"));
  REQUIRE(h.broadcaster().Latest()->users_size() == 1);
  CHECK(h.broadcaster().Latest()->users(0).username() == "alice");
}

TEST_CASE("a username with a look-alike letter is refused by the CRD pattern", "[manager]") {
  Harness h;
  h.Write("a.yaml", UserDoc("alice", "alice", ""));
  h.Write("b.yaml", UserDoc("cyrillic", "\xd0\xb0lice", ""));
  REQUIRE(h.Reconcile().ok());
  ObjectStatus s = h.Status("NautheraUser", "", "cyrillic");
  CHECK(s.reason == "InvalidManifest");
  CHECK_THAT(s.message, Catch::Contains("spec.username") && Catch::Contains("\\xd0\\xb0lice"));
  CHECK(h.broadcaster().Latest()->users_size() == 1);
}

TEST_CASE("control characters in manifests never reach status.txt raw", "[manager]") {
  Harness h;
  // A NUL and an escape sequence in an unknown field's name, echoed in the error message.
  h.Write("a.yaml",
          "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: a}\n"
          "spec: {username: a, \"x\\0\\e[2Jy\": 1}\n");
  REQUIRE(h.Reconcile().ok());
  std::string table = h.StateFile("status.txt");
  CAPTURE(table);
  CHECK(table.find("x\\x00\\x1b[2Jy") != std::string::npos);
  for (char c : table) {
    unsigned char u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 || u == '\n'));
    CHECK(u != 0x7F);
  }
}

}  // namespace
}  // namespace nauthera::controller

namespace nauthera::controller {
namespace {

TEST_CASE("a NautheraUser's profile fields reach the state as OIDC claims by claim name",
          "[manager]") {
  Harness h;
  h.Write("a.yaml",
          "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: alice}\n"
          "spec: {username: alice, givenName: Alice, familyName: Smith, locale: en-GB,\n"
          "       profileUrl: \"https://people.example/alice\", zoneinfo: Europe/London}\n");
  REQUIRE(h.Reconcile().ok());
  const pb::User* user = h.User("alice");
  REQUIRE(user != nullptr);
  std::map<std::string, std::string> claims(user->profile_claims().begin(),
                                            user->profile_claims().end());
  CHECK(claims == std::map<std::string, std::string>{{"given_name", "Alice"},
                                                     {"family_name", "Smith"},
                                                     {"locale", "en-GB"},
                                                     {"profile", "https://people.example/alice"},
                                                     {"zoneinfo", "Europe/London"}});
}

}  // namespace
}  // namespace nauthera::controller
