// The issuer-wide signing algorithm (--signing-algorithm): new keys get it, existing keys keep
// theirs, and a change goes through the rotation phases (docs/signing-keys.md).
#include <catch2/catch.hpp>

#include "controller/app/flags.h"
#include "controller/app/options.h"
#include "controller/keys/key_ring.h"
#include "controller/keys/key_rotation.h"
#include "controller/keys/signing_key.h"
#include "nlohmann/json.hpp"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::TempDir;

TEST_CASE("--signing-algorithm takes RS256 (the default) or ES256 and nothing else", "[keys]") {
  struct Case {
    std::vector<std::string> args;
    bool parses_and_validates;
    std::string algorithm;
  };
  auto c = GENERATE(Case{{}, true, "RS256"}, Case{{"--signing-algorithm=ES256"}, true, "ES256"},
                    Case{{"--signing-algorithm=RS256"}, true, "RS256"},
                    Case{{"--signing-algorithm=HS256"}, false, ""},
                    Case{{"--signing-algorithm=none"}, false, ""},
                    Case{{"--signing-algorithm=es256"}, false, ""});
  std::vector<std::string> args = {"--manifests=/tmp", "--state-dir=/tmp/x",
                                   "--issuer-url=http://127.0.0.1:8080"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  CAPTURE(args);
  auto parsed = ParseFlags(args);
  REQUIRE(parsed.ok());
  absl::Status valid = ValidateOptions(parsed->options);
  CHECK(valid.ok() == c.parses_and_validates);
  if (valid.ok()) CHECK(parsed->options.signing_algorithm == c.algorithm);
  if (!valid.ok()) {
    CHECK(std::string(valid.message()).find("--signing-algorithm") != std::string::npos);
  }
}

TEST_CASE("the first key has the configured algorithm and a later start keeps it", "[keys]") {
  TempDir dir;
  std::string path = dir.Path("keys/nauthera-signing-keys.yaml");
  auto first = KeyRing::LoadOrCreate(path, 1000, "ES256");
  REQUIRE(first.ok());
  const SigningKey& key = (*first)->keys()[0];
  CHECK(key.algorithm == "ES256");
  CHECK(key.key->Algorithm() == "ES256");
  CHECK(key.kid == key.key->Thumbprint());
  CHECK(key.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  // Restarted with the other setting: the existing key is used, never replaced.
  auto again = KeyRing::LoadOrCreate(path, 2000, "RS256");
  REQUIRE(again.ok());
  CHECK_FALSE((*again)->created());
  REQUIRE((*again)->keys().size() == 1);
  CHECK((*again)->keys()[0].kid == key.kid);
  CHECK((*again)->keys()[0].algorithm == "ES256");
}

TEST_CASE("keys.json keeps each key's algorithm; an entry without alg is RS256", "[keys]") {
  auto rsa = KeyRing::MakeKey(10, "RS256");
  auto ec = KeyRing::MakeKey(20, "ES256");
  REQUIRE(rsa.ok());
  REQUIRE(ec.ok());
  ec->phase = KeyPhase::kPublished;
  std::string json = EncodeKeySet({*rsa, *ec});
  auto decoded = DecodeKeySet(json);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == 2);
  CHECK((*decoded)[0].algorithm == "RS256");
  CHECK((*decoded)[1].algorithm == "ES256");
  CHECK((*decoded)[1].key->Algorithm() == "ES256");

  // A file written before ES256 existed: no "alg" member.
  nlohmann::json old = nlohmann::json::parse(EncodeKeySet({*rsa}));
  old[0].erase("alg");
  auto legacy = DecodeKeySet(old.dump());
  REQUIRE(legacy.ok());
  CHECK((*legacy)[0].algorithm == "RS256");

  // An alg that does not match the key, or one we do not sign with, is refused.
  struct Case {
    const char* alg;
  };
  auto c = GENERATE(Case{"ES256"}, Case{"HS256"}, Case{"none"});
  nlohmann::json wrong = nlohmann::json::parse(EncodeKeySet({*rsa}));
  wrong[0]["alg"] = c.alg;
  CAPTURE(c.alg);
  CHECK_FALSE(DecodeKeySet(wrong.dump()).ok());
}

TEST_CASE("a change of algorithm happens at the next rotation with the usual phases", "[keys]") {
  auto rsa = KeyRing::MakeKey(0, "RS256");
  REQUIRE(rsa.ok());
  rsa->activated_at = 0;
  std::vector<SigningKey> keys = {*rsa};
  RotationSettings settings;
  settings.period_seconds = 0;  // only when asked
  settings.publish_ahead_seconds = 120;
  settings.retired_overlap_seconds = 60;
  settings.jwks_max_age_seconds = 60;
  KeyMaker make_es256 = [](int64_t now) { return KeyRing::MakeKey(now, "ES256"); };

  // No request: the RSA key stays, whatever new keys would be.
  auto idle = RotateKeys(keys, settings, RotationInput{100, 300, false}, make_es256);
  REQUIRE(idle.ok());
  REQUIRE(idle->keys.size() == 1);
  CHECK(idle->keys[0].kid == rsa->kid);
  CHECK(idle->keys[0].algorithm == "RS256");
  // Asked: the EC key is PUBLISHED beside the ACTIVE RSA key (JWKS lists both).
  auto started = RotateKeys(keys, settings, RotationInput{100, 300, true}, make_es256);
  REQUIRE(started.ok());
  REQUIRE(started->keys.size() == 2);
  CHECK(started->keys[0].algorithm == "RS256");
  CHECK(started->keys[0].phase == KeyPhase::kActive);
  CHECK(started->keys[1].algorithm == "ES256");
  CHECK(started->keys[1].phase == KeyPhase::kPublished);
  // After publish-ahead: EC ACTIVE, RSA RETIRED but still published.
  auto switched = RotateKeys(started->keys, settings, RotationInput{100 + 121, 300, false},
                             make_es256);
  REQUIRE(switched.ok());
  REQUIRE(switched->keys.size() == 2);
  for (const SigningKey& key : switched->keys) {
    CHECK(key.phase == (key.algorithm == "ES256" ? KeyPhase::kActive : KeyPhase::kRetired));
  }
  CHECK(CheckKeySet(switched->keys).ok());
}

}  // namespace
}  // namespace nauthera::controller
