// KubernetesCredentialStore (through the CredentialsReconciler that uses it) on the fake API
// server: an owned Secret is made, an existing one is never regenerated (not even by a new
// process), a Secret deleted by hand is made again with new values and an Event, a Secret of
// the same name that is not ours is a conflict and left alone, and a follower writes nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <memory>

#include "common/encoding/base64.h"
#include "controller/api/secret_manifest.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_credential_store.h"
#include "controller/reconcilers/credentials_reconciler.h"
#include "tests/kubeclient/fake_kube_client.h"
#include "tests/kubeclient/kube_test_helpers.h"

namespace nauthera::controller {
namespace {

using kube::testing::Eventually;
using kube::testing::FakeKubeClient;

const ObjectKey kWeb{Kind::kOidcClient, "apps", "web"};

class StoreFixture {
 public:
  StoreFixture() {
    absl::StatusOr<kube::Object> owner =
        client.Create(kube::refs::OidcClients(), "apps", kube::testing::OidcClient("web"));
    REQUIRE(owner.ok());
    owner_uid = kube::UidOf(*owner);
    store = NewStore();
  }

  std::unique_ptr<KubernetesCredentialStore> NewStore() {
    KubernetesCredentialStore::Options options;
    options.owner_lookup = [this](const ObjectKey& key) -> std::optional<kube::Object> {
      absl::StatusOr<kube::Object> object =
          client.Get(kube::refs::OidcClients(), key.ns, key.name);
      if (!object.ok()) return std::nullopt;
      return *object;
    };
    options.is_leader = [this] { return leader.load(); };
    options.identity = "test-replica";
    auto made = std::make_unique<KubernetesCredentialStore>(&client, options);
    REQUIRE(Eventually([&] { return made->Synced(); }, absl::Seconds(5)));
    return made;
  }

  absl::StatusOr<kube::Object> SecretObject() {
    return client.Get(kube::refs::Secrets(), "apps", "web-credentials");
  }

  std::vector<kube::Object> Events() {
    absl::StatusOr<kube::ObjectList> list = client.List(kube::refs::Events(), "apps", {});
    REQUIRE(list.ok());
    return list->items;
  }

  FakeKubeClient client;
  std::string owner_uid;
  std::atomic<bool> leader{true};
  std::unique_ptr<KubernetesCredentialStore> store;
};

TEST_CASE("kubernetes: the credentials Secret is made owned, labelled and annotated") {
  StoreFixture f;
  CredentialsReconciler reconciler(*f.store);
  absl::StatusOr<Credentials> made = reconciler.Ensure(kWeb, /*confidential=*/true);
  REQUIRE(made.ok());
  CHECK(made->client_id.size() == 32);
  REQUIRE(made->client_secret.has_value());

  absl::StatusOr<kube::Object> secret = f.SecretObject();
  REQUIRE(secret.ok());
  const kube::Object& meta = (*secret)["metadata"];
  CHECK(meta["labels"][std::string(kManagedByLabel)] == "nauthera");
  CHECK(meta["annotations"][std::string(kOwnerAnnotation)] == "OidcClient/web");
  REQUIRE(meta["ownerReferences"].size() == 1);
  const kube::Object& ref = meta["ownerReferences"][0];
  CHECK(ref["kind"] == "OidcClient");
  CHECK(ref["apiVersion"] == "auth.nauthera.io/v1alpha1");
  CHECK(ref["name"] == "web");
  CHECK(ref["uid"] == f.owner_uid);
  CHECK(ref["controller"] == true);
  CHECK(ref["blockOwnerDeletion"] == true);
  CHECK((*secret)["data"]["client_id"] == Base64Encode(made->client_id));
  CHECK((*secret)["data"]["client_secret"] == Base64Encode(*made->client_secret));
  CHECK(f.store->Reference(kWeb) == "apps/web-credentials");
  CHECK(f.Events().empty());  // a first Secret is not news
}

TEST_CASE("kubernetes: an existing Secret is never regenerated, not even by a new process") {
  StoreFixture f;
  CredentialsReconciler reconciler(*f.store);
  absl::StatusOr<Credentials> first = reconciler.Ensure(kWeb, true);
  REQUIRE(first.ok());
  std::string version = kube::ResourceVersionOf(*f.SecretObject());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Credentials> again = reconciler.Ensure(kWeb, true);
    REQUIRE(again.ok());
    CHECK(again->client_id == first->client_id);
    CHECK(again->client_secret == first->client_secret);
  }
  // A restarted controller: a new store and reconciler, nothing remembered.
  std::unique_ptr<KubernetesCredentialStore> restarted = f.NewStore();
  CredentialsReconciler fresh(*restarted);
  absl::StatusOr<Credentials> after_restart = fresh.Ensure(kWeb, true);
  REQUIRE(after_restart.ok());
  CHECK(after_restart->client_id == first->client_id);
  CHECK(after_restart->client_secret == first->client_secret);
  CHECK(kube::ResourceVersionOf(*f.SecretObject()) == version);
}

TEST_CASE("kubernetes: a Secret deleted by hand is made again, new values, and an Event") {
  StoreFixture f;
  CredentialsReconciler reconciler(*f.store);
  absl::StatusOr<Credentials> first = reconciler.Ensure(kWeb, true);
  REQUIRE(first.ok());
  REQUIRE(f.client.Delete(kube::refs::Secrets(), "apps", "web-credentials").ok());
  // Once the watch has brought the deletion, the store reads no credentials.
  REQUIRE(Eventually(
      [&] {
        absl::StatusOr<std::optional<Credentials>> read = f.store->Read(kWeb);
        return read.ok() && !read->has_value();
      },
      absl::Seconds(5)));
  absl::StatusOr<Credentials> second = reconciler.Ensure(kWeb, true);
  REQUIRE(second.ok());
  CHECK(second->client_id != first->client_id);
  CHECK(second->client_secret != first->client_secret);
  absl::StatusOr<kube::Object> secret = f.SecretObject();
  REQUIRE(secret.ok());
  CHECK((*secret)["data"]["client_id"] == Base64Encode(second->client_id));

  std::vector<kube::Object> events = f.Events();
  REQUIRE(events.size() == 1);
  const kube::Object& event = events[0];
  CHECK(event["reason"] == "CredentialsRecreated");
  CHECK(event["type"] == "Warning");
  CHECK(event["regarding"]["kind"] == "OidcClient");
  CHECK(event["regarding"]["name"] == "web");
  CHECK(event["regarding"]["uid"] == f.owner_uid);
  std::string note = event["note"].get<std::string>();
  CHECK(note.find(first->client_id) != std::string::npos);
  CHECK(note.find(second->client_id) != std::string::npos);
  CHECK(event["reportingInstance"] == "test-replica");
}

TEST_CASE("kubernetes: a Secret of the same name that is not ours is a conflict, left alone") {
  StoreFixture f;
  // Someone else's Secret where ours would go.
  kube::Object foreign = kube::testing::Secret("web-credentials", "theirs");
  SECTION("no labels or annotation") {}
  SECTION("our label, another owner's annotation") {
    foreign["metadata"]["labels"][std::string(kManagedByLabel)] = "nauthera";
    foreign["metadata"]["annotations"][std::string(kOwnerAnnotation)] = "OidcClient/other";
  }
  absl::StatusOr<kube::Object> created = f.client.Create(kube::refs::Secrets(), "apps", foreign);
  REQUIRE(created.ok());
  CredentialsReconciler reconciler(*f.store);
  absl::StatusOr<Credentials> made = reconciler.Ensure(kWeb, true);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(made.status().message()).find("apps/web-credentials") != std::string::npos);
  absl::StatusOr<kube::Object> after = f.SecretObject();
  REQUIRE(after.ok());
  CHECK(kube::ResourceVersionOf(*after) == kube::ResourceVersionOf(*created));
  CHECK((*after)["data"] == (*created)["data"]);
  // Not ours to collect either.
  absl::StatusOr<std::vector<ObjectKey>> owners = f.store->ListOwners();
  REQUIRE(owners.ok());
  CHECK(std::find(owners->begin(), owners->end(), kWeb) == owners->end());
}

TEST_CASE("kubernetes: a follower writes no Secret and says it waits for the leader") {
  StoreFixture f;
  f.leader = false;
  CredentialsReconciler reconciler(*f.store);
  absl::StatusOr<Credentials> made = reconciler.Ensure(kWeb, true);
  REQUIRE_FALSE(made.ok());
  CHECK(made.status().code() == absl::StatusCode::kUnavailable);
  CHECK(absl::IsNotFound(f.SecretObject().status()));
  f.leader = true;
  CHECK(reconciler.Ensure(kWeb, true).ok());
  CHECK(f.SecretObject().ok());
}

}  // namespace
}  // namespace nauthera::controller
