// One contract, every CredentialStore (controller/reconcilers/credential_store.h): the folder
// of Secret manifests (local mode) and the Kubernetes Secrets (on the fake API server, which
// tests/kubeclient's conformance suite holds to kube-apiserver's behaviour). The reconcilers
// rely on these cases; they must not depend on where the Secrets live.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>

#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_credential_store.h"
#include "controller/reconcilers/folder_credential_store.h"
#include "test_util.h"
#include "tests/kubeclient/fake_kube_client.h"
#include "tests/kubeclient/kube_test_helpers.h"

namespace nauthera::controller {
namespace {

const ObjectKey kWeb{Kind::kOidcClient, "apps", "web"};
const ObjectKey kDeployer{Kind::kServiceAccount, "ci-cd", "ci-deployer"};
const ObjectKey kOther{Kind::kOidcClient, "apps", "other"};

const Credentials kConfidential{"0123456789abcdef0123456789abcdef",
                                std::string(43, 's')};
const Credentials kPublic{"fedcba9876543210fedcba9876543210", std::nullopt};

// Local mode: <root>/<namespace>/<name>-credentials.yaml.
struct FolderBackend {
  static constexpr const char* kName = "folder";
  testing::TempDir dir;
  std::unique_ptr<CredentialStore> Open() {
    return std::make_unique<FolderCredentialStore>(dir.Path("secrets"));
  }
  // A Secret of the owner's name that Nauthera did not make.
  void PlantForeign(const ObjectKey& owner) {
    testing::WriteFile(FolderCredentialStore(dir.Path("secrets")).Reference(owner),
                       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " +
                           CredentialsSecretName(owner.name) + "\n  namespace: " + owner.ns +
                           "\ndata:\n  client_id: YWJj\n");
  }
};

// Kubernetes mode: Secrets owned by their OidcClient / NautheraServiceAccount.
struct KubernetesBackend {
  static constexpr const char* kName = "kubernetes";
  KubernetesBackend() {
    for (const ObjectKey& owner : {kWeb, kDeployer, kOther}) {
      kube::Object object = kube::testing::OidcClient(owner.name);
      const kube::ResourceRef* ref = &kube::refs::OidcClients();
      if (owner.kind == Kind::kServiceAccount) {
        object = {{"apiVersion", "auth.nauthera.io/v1alpha1"},
                  {"kind", "NautheraServiceAccount"},
                  {"metadata", {{"name", owner.name}}},
                  {"spec", {{"policyRef", "deployers"}}}};
        ref = &kube::refs::NautheraServiceAccounts();
      }
      REQUIRE(client.Create(*ref, owner.ns, object).ok());
    }
  }
  std::unique_ptr<CredentialStore> Open() {
    KubernetesCredentialStore::Options options;
    options.owner_lookup = [this](const ObjectKey& key) -> std::optional<kube::Object> {
      const kube::ResourceRef& ref = key.kind == Kind::kServiceAccount
                                         ? kube::refs::NautheraServiceAccounts()
                                         : kube::refs::OidcClients();
      absl::StatusOr<kube::Object> object = client.Get(ref, key.ns, key.name);
      if (!object.ok()) return std::nullopt;
      return *object;
    };
    options.is_leader = [] { return true; };
    options.identity = "conformance";
    auto store = std::make_unique<KubernetesCredentialStore>(&client, options);
    REQUIRE(kube::testing::Eventually([&] { return store->Synced(); }, absl::Seconds(10)));
    return store;
  }
  void PlantForeign(const ObjectKey& owner) {
    kube::Object secret = {
        {"apiVersion", "v1"},
        {"kind", "Secret"},
        {"metadata", {{"name", CredentialsSecretName(owner.name)}}},
        {"data", {{"client_id", "YWJj"}}}};
    REQUIRE(client.Create(kube::refs::Secrets(), owner.ns, secret).ok());
  }
  kube::testing::FakeKubeClient client;
};

bool SameCredentials(const std::optional<Credentials>& got, const Credentials& want) {
  return got.has_value() && got->client_id == want.client_id &&
         got->client_secret == want.client_secret;
}

bool Lists(const std::vector<ObjectKey>& owners, const ObjectKey& owner) {
  return std::find(owners.begin(), owners.end(), owner) != owners.end();
}

// ListOwners may lag a write or a delete: the Kubernetes store lists from its watch cache.
// That is the safe direction for garbage collection (what is not listed is not deleted), so
// the contract is "eventually listed exactly", checked by polling.
bool EventuallyListed(CredentialStore& store, const std::vector<ObjectKey>& listed,
                      const std::vector<ObjectKey>& not_listed) {
  return kube::testing::Eventually(
      [&] {
        absl::StatusOr<std::vector<ObjectKey>> owners = store.ListOwners();
        if (!owners.ok()) return false;
        for (const ObjectKey& owner : listed) {
          if (!Lists(*owners, owner)) return false;
        }
        for (const ObjectKey& owner : not_listed) {
          if (Lists(*owners, owner)) return false;
        }
        return true;
      },
      absl::Seconds(10));
}

}  // namespace

TEMPLATE_TEST_CASE("credential store: an owner without a Secret reads as absent",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  absl::StatusOr<std::optional<Credentials>> read = store->Read(kWeb);
  REQUIRE(read.ok());
  CHECK_FALSE(read->has_value());
  absl::StatusOr<std::vector<ObjectKey>> owners = store->ListOwners();
  REQUIRE(owners.ok());
  CHECK(owners->empty());
}

TEMPLATE_TEST_CASE("credential store: what is written reads back, confidential and public",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Write(kWeb, kConfidential).ok());
  REQUIRE(store->Write(kDeployer, kPublic).ok());
  CHECK(SameCredentials(*store->Read(kWeb), kConfidential));
  CHECK(SameCredentials(*store->Read(kDeployer), kPublic));
  CHECK(EventuallyListed(*store, {kWeb, kDeployer}, {kOther}));
}

TEMPLATE_TEST_CASE("credential store: a new process reads the same credentials",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  {
    auto first = backend.Open();
    REQUIRE(first->Write(kWeb, kConfidential).ok());
  }
  auto second = backend.Open();
  absl::StatusOr<std::optional<Credentials>> read = second->Read(kWeb);
  REQUIRE(read.ok());
  CHECK(SameCredentials(*read, kConfidential));
}

TEMPLATE_TEST_CASE("credential store: a write replaces the owner's credentials",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Write(kWeb, kPublic).ok());
  Credentials confidential{kPublic.client_id, kConfidential.client_secret};
  REQUIRE(store->Write(kWeb, confidential).ok());
  CHECK(SameCredentials(*store->Read(kWeb), confidential));
}

TEMPLATE_TEST_CASE("credential store: a deleted Secret reads as absent and is not listed",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Write(kWeb, kConfidential).ok());
  REQUIRE(store->Write(kOther, kPublic).ok());
  REQUIRE(store->Delete(kWeb).ok());
  absl::StatusOr<std::optional<Credentials>> read = store->Read(kWeb);
  REQUIRE(read.ok());
  CHECK_FALSE(read->has_value());
  CHECK(EventuallyListed(*store, {kOther}, {kWeb}));
  CHECK(SameCredentials(*store->Read(kOther), kPublic));
  // Deleting what is not there is not an error (garbage collection may run twice).
  CHECK(store->Delete(kWeb).ok());
}

TEMPLATE_TEST_CASE("credential store: the change token moves on every write and delete",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  std::string before = store->ChangeToken();
  REQUIRE(store->Write(kWeb, kConfidential).ok());
  std::string written;
  // The Kubernetes store learns of its own write through its watch.
  CHECK(kube::testing::Eventually(
      [&] { return (written = store->ChangeToken()) != before; }, absl::Seconds(10)));
  REQUIRE(store->Delete(kWeb).ok());
  CHECK(kube::testing::Eventually([&] { return store->ChangeToken() != written; },
                                  absl::Seconds(10)));
}

TEMPLATE_TEST_CASE("credential store: a Secret of the same name it did not make is a conflict",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  backend.PlantForeign(kDeployer);
  auto store = backend.Open();
  absl::StatusOr<std::optional<Credentials>> read = store->Read(kDeployer);
  REQUIRE_FALSE(read.ok());
  CHECK(absl::IsFailedPrecondition(read.status()));
  // It is not one of ours: never listed, so never garbage-collected. (A write of ours after
  // it proves the listing is current.)
  REQUIRE(store->Write(kWeb, kConfidential).ok());
  CHECK(EventuallyListed(*store, {kWeb}, {kDeployer}));
}

TEMPLATE_TEST_CASE("credential store: each owner has its own reference",
                   "[credentials][conformance]", FolderBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  std::string web = store->Reference(kWeb);
  CHECK(web.find("web-credentials") != std::string::npos);
  CHECK(web.find("apps") != std::string::npos);
  CHECK(web != store->Reference(kOther));
  CHECK(store->Reference(kDeployer).find("ci-cd") != std::string::npos);
}

}  // namespace nauthera::controller
