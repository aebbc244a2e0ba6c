#include <catch2/catch.hpp>

#include "controller/api/secret_manifest.h"
#include "controller/keys/key_manager.h"
#include "controller/keys/key_rotation.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

RotationSettings Settings() {
  RotationSettings s;
  s.period_seconds = 1000;
  s.publish_ahead_seconds = 100;
  s.retired_overlap_seconds = 50;
  s.jwks_max_age_seconds = 10;
  return s;
}

KeyMaker Maker() {
  return [](int64_t now) { return KeyRing::MakeKey(now); };
}

std::vector<SigningKey> OneActive(int64_t created) {
  SigningKey key = *KeyRing::MakeKey(created);
  key.activated_at = created;
  return {key};
}

const SigningKey* Find(const std::vector<SigningKey>& keys, KeyPhase phase) {
  for (const SigningKey& k : keys) {
    if (k.phase == phase) return &k;
  }
  return nullptr;
}

RotationResult Step(const std::vector<SigningKey>& keys, int64_t now, int64_t ttl = 300,
                    bool requested = false, RotationSettings settings = Settings()) {
  absl::StatusOr<RotationResult> r =
      RotateKeys(keys, settings, RotationInput{now, ttl, requested}, Maker());
  REQUIRE(r.ok());
  REQUIRE(CheckKeySet(r->keys).ok());
  return *r;
}

TEST_CASE("a rotation publishes, then activates, then retires and removes", "[keys][rotation]") {
  std::vector<SigningKey> keys = OneActive(0);
  std::string first = keys[0].kid;
  // Not due before period - publish_ahead.
  RotationResult r = Step(keys, 899);
  CHECK(r.keys.size() == 1);
  CHECK(r.next_due == 900);
  keys = r.keys;
  // Due: a PUBLISHED key joins; the old one still signs.
  r = Step(keys, 900);
  REQUIRE(r.keys.size() == 2);
  CHECK(r.changed);
  CHECK(Find(r.keys, KeyPhase::kActive)->kid == first);
  const SigningKey* published = Find(r.keys, KeyPhase::kPublished);
  REQUIRE(published != nullptr);
  std::string second = published->kid;
  CHECK(r.next_due == 1000);
  CHECK(r.transitions.size() == 1);
  keys = r.keys;
  // Nothing happens until publish_ahead has passed (no second PUBLISHED key either).
  r = Step(keys, 999);
  CHECK(r.keys.size() == 2);
  CHECK(Find(r.keys, KeyPhase::kPublished)->kid == second);
  keys = r.keys;
  // publish_ahead later it signs; the old key is RETIRED for ttl + max-age + skew.
  r = Step(keys, 1000);
  CHECK(Find(r.keys, KeyPhase::kActive)->kid == second);
  const SigningKey* retired = Find(r.keys, KeyPhase::kRetired);
  REQUIRE(retired != nullptr);
  CHECK(retired->kid == first);
  CHECK(retired->retired_at == 1000);
  CHECK(retired->remove_after == 1000 + 300 + 10 + kClockSkewSeconds);
  keys = r.keys;
  // Still published one second before; gone at remove_after.
  CHECK(Step(keys, 1369).keys.size() == 2);
  r = Step(keys, 1370);
  REQUIRE(r.keys.size() == 1);
  CHECK(r.keys[0].kid == second);
  CHECK(r.keys[0].phase == KeyPhase::kActive);
  CHECK(r.next_due == 1000 + 1000 - 100);  // the next rotation
}

TEST_CASE("a retired key outlives the longest token it may have signed", "[keys][rotation]") {
  std::vector<SigningKey> keys = OneActive(0);
  // The policy allowed 24h tokens for a while, then 5m: the key remembers 24h.
  keys = Step(keys, 10, 24 * 3600).keys;
  keys = Step(keys, 20, 300).keys;
  CHECK(keys[0].max_token_ttl == 24 * 3600);
  keys = Step(keys, 900, 300).keys;
  RotationResult r = Step(keys, 1000, 300);
  const SigningKey* retired = Find(r.keys, KeyPhase::kRetired);
  REQUIRE(retired != nullptr);
  CHECK(retired->remove_after == 1000 + 24 * 3600 + 10 + kClockSkewSeconds);
  // And the overlap is a floor: short tokens still keep the key for retired_overlap.
  RotationSettings long_overlap = Settings();
  long_overlap.retired_overlap_seconds = 7200;
  std::vector<SigningKey> other = Step(OneActive(0), 900, 60, false, long_overlap).keys;
  r = Step(other, 1000, 60, false, long_overlap);
  CHECK(Find(r.keys, KeyPhase::kRetired)->remove_after == 1000 + 7200);
}

TEST_CASE("a rotation asked for starts at once; asking again while one runs does nothing new",
          "[keys][rotation]") {
  RotationSettings manual = Settings();
  manual.period_seconds = 0;
  std::vector<SigningKey> keys = OneActive(0);
  RotationResult r = Step(keys, 5'000'000, 300, false, manual);
  CHECK(r.keys.size() == 1);  // period 0: never by age
  CHECK(r.next_due == 0);
  r = Step(keys, 10, 300, true, manual);
  CHECK(r.request_handled);
  REQUIRE(Find(r.keys, KeyPhase::kPublished) != nullptr);
  keys = r.keys;
  r = Step(keys, 20, 300, true, manual);
  CHECK(r.request_handled);
  CHECK(r.keys.size() == 2);  // still the one PUBLISHED key
  r = Step(keys, 110, 300, false, manual);
  CHECK(Find(r.keys, KeyPhase::kActive)->kid == Find(keys, KeyPhase::kPublished)->kid);
}

TEST_CASE("rotation settings that would break verifiers are refused", "[keys][rotation]") {
  RotationSettings s = Settings();
  CHECK(ValidateRotationSettings(s).ok());
  s.publish_ahead_seconds = 15;  // < 2 x jwks max-age (10)
  absl::Status refused = ValidateRotationSettings(s);
  REQUIRE_FALSE(refused.ok());
  CHECK(std::string(refused.message()).find("--jwks-max-age") != std::string::npos);
  s = Settings();
  s.period_seconds = 150;  // < 2 x publish ahead
  CHECK_FALSE(ValidateRotationSettings(s).ok());
  s.period_seconds = 0;
  CHECK(ValidateRotationSettings(s).ok());
}

// A controller's KeyManager on a key file, as in local mode.
struct FileHarness {
  TempDir dir;
  std::string path = dir.Path("keys/nauthera-signing-keys.yaml");
  std::unique_ptr<KeyManager> Make(bool writes) {
    std::unique_ptr<KeyStore> store = MakeFileKeyStore(path);
    auto ring = KeyRing::LoadOrCreate(*store, 0);
    REQUIRE(ring.ok());
    KeyManager::Options options;
    options.rotation = Settings();
    options.check_interval_seconds = 1;
    options.may_write = [writes] { return writes; };
    return std::make_unique<KeyManager>(std::move(store), *std::move(ring), options);
  }
  void Annotate(const std::string& value) {
    SecretManifest secret = *ParseSecretManifest(ReadFile(path));
    secret.annotations[std::string(kRotateAnnotation)] = value;
    WriteFile(path, RenderSecretManifest(secret, "edited by a person"));
  }
  std::vector<SigningKey> Saved() {
    return (*KeyRing::FromSecretData(ParseSecretManifest(ReadFile(path))->data))->keys();
  }
};

TEST_CASE("the writing replica saves a rotation before using it; others adopt it",
          "[keys][rotation][manager]") {
  FileHarness h;
  auto leader = h.Make(true);
  auto follower = h.Make(false);
  std::string first = leader->ring().keys()[0].kid;
  CHECK_FALSE(leader->Tick(10, 300));
  // Asked for with the annotation: a PUBLISHED key, saved to the file.
  h.Annotate("please");
  REQUIRE(leader->Tick(20, 300));
  std::vector<SigningKey> saved = h.Saved();
  REQUIRE(saved.size() == 2);
  CHECK(Find(saved, KeyPhase::kPublished) != nullptr);
  CHECK(Find(leader->ring().keys(), KeyPhase::kActive)->kid == first);
  // The request is handled once: the next ticks change nothing until the key activates.
  CHECK_FALSE(leader->Tick(30, 300));
  CHECK(h.Saved().size() == 2);
  // The follower sees the leader's set, and never writes.
  std::string before = ReadFile(h.path);
  REQUIRE(follower->Tick(31, 300));
  CHECK(follower->ring().keys().size() == 2);
  CHECK(ReadFile(h.path) == before);
  // publish_ahead after it was published, it signs.
  REQUIRE(leader->Tick(120, 300));
  CHECK(Find(leader->ring().keys(), KeyPhase::kActive)->kid != first);
  CHECK(Find(h.Saved(), KeyPhase::kActive)->kid == Find(leader->ring().keys(), KeyPhase::kActive)->kid);
  REQUIRE(follower->Tick(121, 300));
  CHECK(Find(follower->ring().keys(), KeyPhase::kRetired)->kid == first);
  // The summary shows the phases.
  std::vector<KeySummary> summary = leader->Summary();
  REQUIRE(summary.size() == 2);
  CHECK(summary[0].phase == "RETIRED");
  CHECK(summary[1].phase == "ACTIVE");
  // The same annotation value again is not a new request.
  CHECK_FALSE(leader->Tick(130, 300));
  CHECK(h.Saved().size() == 2);
}

TEST_CASE("a key file deleted by hand is written back from memory", "[keys][rotation][manager]") {
  FileHarness h;
  auto leader = h.Make(true);
  std::string kid = leader->ring().keys()[0].kid;
  std::string session = leader->ring().session_key();
  std::filesystem::remove(h.path);
  CHECK_FALSE(leader->Tick(10, 300));
  auto again = KeyRing::LoadOrCreate(h.path, 99);
  REQUIRE(again.ok());
  CHECK_FALSE((*again)->created());
  CHECK((*again)->keys()[0].kid == kid);
  CHECK((*again)->session_key() == session);
}

TEST_CASE("a damaged key file keeps the keys in memory and is not overwritten by a follower",
          "[keys][rotation][manager]") {
  FileHarness h;
  auto follower = h.Make(false);
  std::string kid = follower->ring().keys()[0].kid;
  WriteFile(h.path, "kind: [\n");
  CHECK_FALSE(follower->Tick(10, 300));
  CHECK(follower->ring().keys()[0].kid == kid);
  CHECK(ReadFile(h.path) == "kind: [\n");
}

}  // namespace
}  // namespace nauthera::controller
