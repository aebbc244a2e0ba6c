#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "controller/api/secret_manifest.h"
#include "controller/reconcilers/credentials_reconciler.h"
#include "controller/reconcilers/folder_credential_store.h"
#include "controller/status/status_report.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

const ObjectKey kDeployer{Kind::kServiceAccount, "ci-cd", "ci-deployer"};
const ObjectKey kKubectl{Kind::kOidcClient, "nauthera-system", "kubectl"};

bool IsLowerHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

int Mode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

TEST_CASE("credentials are created once as a private Kubernetes Secret manifest",
          "[credentials]") {
  TempDir dir;
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);
  absl::StatusOr<Credentials> made = reconciler.Ensure(kDeployer, true);
  REQUIRE(made.ok());
  CHECK(made->client_id.size() == 32);
  CHECK(IsLowerHex(made->client_id));
  REQUIRE(made->client_secret.has_value());
  CHECK(made->client_secret->size() == 43);  // 256 bits, base64url without padding

  std::string path = dir.Path("secrets/ci-cd/ci-deployer-credentials.yaml");
  CHECK(store.Reference(kDeployer) == path);
  CHECK(Mode(path) == 0600);
  CHECK(Mode(dir.Path("secrets/ci-cd")) == 0700);
  absl::StatusOr<SecretManifest> secret = ParseSecretManifest(ReadFile(path));
  REQUIRE(secret.ok());
  CHECK(secret->name == "ci-deployer-credentials");
  CHECK(secret->ns == "ci-cd");
  CHECK(secret->labels.at("app.kubernetes.io/managed-by") == "nauthera");
  CHECK(secret->annotations.at("auth.nauthera.io/owner") == "NautheraServiceAccount/ci-deployer");
  CHECK(secret->data.at("client_id") == made->client_id);
  CHECK(secret->data.at("client_secret") == *made->client_secret);
  // Shell scripts read it with grep + awk: one unquoted base64 value per line.
  CHECK(ReadFile(path).find("\n  client_id: ") != std::string::npos);
  CHECK(ReadFile(path).find("\ntype: Opaque\n") != std::string::npos);
}

TEST_CASE("credentials are reused on a second run with the same secret", "[credentials]") {
  TempDir dir;
  Credentials first;
  {
    FolderCredentialStore store(dir.Path("secrets"));
    CredentialsReconciler reconciler(store);
    first = *reconciler.Ensure(kDeployer, true);
  }
  std::string before = ReadFile(dir.Path("secrets/ci-cd/ci-deployer-credentials.yaml"));
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);  // a new process
  absl::StatusOr<Credentials> again = reconciler.Ensure(kDeployer, true);
  REQUIRE(again.ok());
  CHECK(again->client_id == first.client_id);
  CHECK(again->client_secret == first.client_secret);
  CHECK(ReadFile(dir.Path("secrets/ci-cd/ci-deployer-credentials.yaml")) == before);
}

TEST_CASE("a Secret deleted by hand is made again with new values", "[credentials]") {
  TempDir dir;
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);
  Credentials first = *reconciler.Ensure(kDeployer, true);
  std::filesystem::remove(store.Reference(kDeployer));
  absl::StatusOr<Credentials> second = reconciler.Ensure(kDeployer, true);
  REQUIRE(second.ok());
  CHECK(second->client_secret != first.client_secret);
  CHECK(std::filesystem::exists(store.Reference(kDeployer)));
}

TEST_CASE("client ids are read back from an earlier run's status.json", "[credentials]") {
  std::string json = R"({"stateVersion": "1-x", "objects": [
      {"kind": "NautheraServiceAccount", "namespace": "ci-cd", "name": "ci-deployer",
       "clientId": "abc"},
      {"kind": "ClusterAuthPolicy", "namespace": "", "name": "default"}]})";
  auto ids = ClientIdsFromStatusJson(json);
  REQUIRE(ids.size() == 1);
  CHECK(ids.at(kDeployer) == "abc");
  CHECK(ClientIdsFromStatusJson("not json").empty());
  // A damaged file: members of the wrong type skip their row, never throw.
  auto damaged = ClientIdsFromStatusJson(R"({"objects": [
      {"kind": 7, "namespace": "ci-cd", "name": "x", "clientId": "a"},
      {"kind": "NautheraServiceAccount", "namespace": ["ci-cd"], "name": "ci-deployer",
       "clientId": "b"},
      "row", 3, null]})");
  CHECK(damaged.size() == 1);
}

TEST_CASE("a public client has no client_secret until it becomes confidential",
          "[credentials]") {
  TempDir dir;
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);
  Credentials pub = *reconciler.Ensure(kKubectl, false);
  CHECK_FALSE(pub.client_secret.has_value());
  CHECK(ReadFile(store.Reference(kKubectl)).find("client_secret") == std::string::npos);
  Credentials conf = *reconciler.Ensure(kKubectl, true);
  CHECK(conf.client_id == pub.client_id);
  REQUIRE(conf.client_secret.has_value());
  CHECK(reconciler.Ensure(kKubectl, true)->client_secret == conf.client_secret);
}

TEST_CASE("a malformed or foreign Secret is a SecretConflict and is left untouched",
          "[credentials]") {
  auto [name, content, want] = GENERATE(table<std::string, std::string, std::string>({
      {"not YAML", "apiVersion: v1\nkind: [Secret\n", "is malformed"},
      {"not a Secret", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "is malformed"},
      {"bad base64",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-deployer-credentials\n  namespace: "
       "ci-cd\ndata:\n  client_id: '%%%'\n",
       "is malformed"},
      {"made by someone else",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-deployer-credentials\n  namespace: "
       "ci-cd\ndata:\n  client_id: YWJj\n",
       "was not made by Nauthera"},
      {"owned by another object",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-deployer-credentials\n  namespace: "
       "ci-cd\n  labels: {app.kubernetes.io/managed-by: nauthera}\n  annotations: "
       "{auth.nauthera.io/owner: OidcClient/ci-deployer}\ndata:\n  client_id: YWJj\n",
       "belongs to OidcClient ci-cd/ci-deployer"},
      {"no client_id",
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-deployer-credentials\n  namespace: "
       "ci-cd\n  labels: {app.kubernetes.io/managed-by: nauthera}\n  annotations: "
       "{auth.nauthera.io/owner: NautheraServiceAccount/ci-deployer}\ndata: {}\n",
       "has no data.client_id"},
  }));
  CAPTURE(name);
  TempDir dir;
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);
  WriteFile(store.Reference(kDeployer), content);
  absl::StatusOr<Credentials> result = reconciler.Ensure(kDeployer, true);
  REQUIRE_FALSE(result.ok());
  CHECK(absl::IsFailedPrecondition(result.status()));
  CAPTURE(result.status().message());
  CHECK(std::string(result.status().message()).find(want) != std::string::npos);
  CHECK(std::string(result.status().message()).find("will not overwrite") != std::string::npos);
  CHECK(ReadFile(store.Reference(kDeployer)) == content);
  // While its owners exist, garbage collection leaves it alone too.
  CHECK(*reconciler.CollectGarbage(
            {kDeployer, ObjectKey{Kind::kOidcClient, "ci-cd", "ci-deployer"}}) == 0);
  CHECK(std::filesystem::exists(store.Reference(kDeployer)));
}

TEST_CASE("garbage collection deletes only the Secrets of removed owners", "[credentials]") {
  TempDir dir;
  FolderCredentialStore store(dir.Path("secrets"));
  CredentialsReconciler reconciler(store);
  REQUIRE(reconciler.Ensure(kDeployer, true).ok());
  REQUIRE(reconciler.Ensure(kKubectl, false).ok());
  WriteFile(dir.Path("secrets/ci-cd/unrelated-credentials.yaml"), "not ours\n");
  std::string token = store.ChangeToken();
  CHECK(*reconciler.CollectGarbage({kKubectl}) == 1);
  CHECK_FALSE(std::filesystem::exists(store.Reference(kDeployer)));
  CHECK(std::filesystem::exists(store.Reference(kKubectl)));
  CHECK(std::filesystem::exists(dir.Path("secrets/ci-cd/unrelated-credentials.yaml")));
  CHECK(store.ChangeToken() != token);
}

}  // namespace
}  // namespace nauthera::controller
