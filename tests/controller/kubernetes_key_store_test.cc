// The signing-key Secret on the fake API server: made once and reused by every replica,
// rotation saved with a resourceVersion precondition, the rotate annotation read, and a
// KeyManager follower adopting what the leader saved.
#include <catch2/catch.hpp>

#include "absl/time/clock.h"
#include "common/encoding/base64.h"
#include "controller/keys/key_manager.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_key_store.h"
#include "tests/kubeclient/fake_kube_client.h"

namespace nauthera::controller {
namespace {

using kube::testing::FakeKubeClient;

absl::Time Soon() { return absl::Now() + absl::Seconds(5); }

TEST_CASE("kubernetes: the key Secret is made once and every replica uses it", "[keys]") {
  FakeKubeClient client;
  auto first_store = MakeKubernetesKeyStore(client, "nauthera-system");
  auto first = LoadOrCreateKeySecret(*first_store, Soon());
  REQUIRE(first.ok());
  CHECK((*first)->created());
  auto second_store = MakeKubernetesKeyStore(client, "nauthera-system");
  auto second = LoadOrCreateKeySecret(*second_store, Soon());
  REQUIRE(second.ok());
  CHECK_FALSE((*second)->created());
  CHECK((*second)->keys()[0].kid == (*first)->keys()[0].kid);
  CHECK((*second)->session_key() == (*first)->session_key());
  absl::StatusOr<kube::Object> secret =
      client.Get(kube::refs::Secrets(), "nauthera-system", "nauthera-signing-keys");
  REQUIRE(secret.ok());
  CHECK((*secret)["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "nauthera");
}

TEST_CASE("kubernetes: a damaged key Secret is refused and left alone", "[keys]") {
  FakeKubeClient client;
  kube::Object damaged = {
      {"apiVersion", "v1"}, {"kind", "Secret"},
      {"metadata", {{"name", "nauthera-signing-keys"}, {"namespace", "nauthera-system"}}},
      {"data", {{"keys.json", Base64Encode("[]")}, {"session_key", Base64Encode(std::string(32, 'k'))}}}};
  REQUIRE(client.Create(kube::refs::Secrets(), "nauthera-system", damaged).ok());
  auto store = MakeKubernetesKeyStore(client, "nauthera-system");
  auto ring = LoadOrCreateKeySecret(*store, Soon());
  REQUIRE_FALSE(ring.ok());
  CHECK(std::string(ring.status().message()).find("cannot be used") != std::string::npos);
  auto after = client.Get(kube::refs::Secrets(), "nauthera-system", "nauthera-signing-keys");
  REQUIRE(after.ok());
  CHECK((*after)["data"]["keys.json"] == Base64Encode("[]"));
}

TEST_CASE("kubernetes: a save over a stale resourceVersion is a conflict", "[keys]") {
  FakeKubeClient client;
  auto a = MakeKubernetesKeyStore(client, "ns");
  auto b = MakeKubernetesKeyStore(client, "ns");
  REQUIRE(LoadOrCreateKeySecret(*a, Soon()).ok());
  absl::StatusOr<StoredKeys> seen_by_a = a->Load();
  absl::StatusOr<StoredKeys> seen_by_b = b->Load();
  REQUIRE(seen_by_a.ok());
  REQUIRE(seen_by_b.ok());
  std::map<std::string, std::string> changed = seen_by_b->data;
  changed["rotation_handled"] = "b was here";
  REQUIRE(b->Save(changed, seen_by_b->version).ok());
  absl::Status stale = a->Save(seen_by_a->data, seen_by_a->version);
  CHECK(absl::IsAborted(stale));
}

TEST_CASE("kubernetes: the rotate annotation starts a rotation the follower adopts",
          "[keys][rotation]") {
  FakeKubeClient client;
  auto make = [&](bool writes) {
    auto store = MakeKubernetesKeyStore(client, "nauthera-system");
    auto ring = LoadOrCreateKeySecret(*store, Soon());
    REQUIRE(ring.ok());
    KeyManager::Options options;
    options.rotation.period_seconds = 0;
    options.rotation.publish_ahead_seconds = 10;
    options.rotation.jwks_max_age_seconds = 5;
    options.check_interval_seconds = 1;
    options.may_write = [writes] { return writes; };
    return std::make_unique<KeyManager>(std::move(store), *std::move(ring), options);
  };
  auto leader = make(true);
  auto follower = make(false);
  std::string first = leader->ring().keys()[0].kid;
  CHECK_FALSE(leader->Tick(100, 900));
  // kubectl annotate secret nauthera-signing-keys auth.nauthera.io/rotate=1 --overwrite
  REQUIRE(client
              .Patch(kube::refs::Secrets(), "nauthera-system", "nauthera-signing-keys",
                     kube::PatchType::kMerge,
                     R"({"metadata":{"annotations":{"auth.nauthera.io/rotate":"1"}}})")
              .ok());
  REQUIRE(leader->Tick(101, 900));
  CHECK(leader->ring().keys().size() == 2);
  CHECK(leader->ring().rotation_handled() == "1");
  REQUIRE(follower->Tick(102, 900));
  CHECK(follower->ring().keys().size() == 2);
  REQUIRE(leader->Tick(111, 900));
  REQUIRE(follower->Tick(112, 900));
  for (const SigningKey& key : follower->ring().keys()) {
    CHECK(key.phase == (key.kid == first ? KeyPhase::kRetired : KeyPhase::kActive));
  }
  // The annotation stays; it is not acted on twice.
  CHECK_FALSE(leader->Tick(120, 900));
  CHECK(leader->ring().keys().size() == 2);
}

}  // namespace
}  // namespace nauthera::controller
