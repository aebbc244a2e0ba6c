#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "controller/api/secret_manifest.h"
#include "controller/keys/key_ring.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST_CASE("signing keys are made once, persisted and reused on every later start", "[keys]") {
  TempDir dir;
  std::string path = dir.Path("keys/nauthera-signing-keys.yaml");
  auto first = KeyRing::LoadOrCreate(path, 1000);
  REQUIRE(first.ok());
  CHECK((*first)->created());
  REQUIRE((*first)->keys().size() == 1);
  const SigningKey& key = (*first)->keys()[0];
  CHECK(key.phase == KeyPhase::kActive);
  CHECK(key.algorithm == "RS256");
  CHECK(key.created_at == 1000);
  CHECK(key.kid == key.key->Thumbprint());
  CHECK(key.key->Bits() == 2048);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  absl::StatusOr<SecretManifest> secret = ParseSecretManifest(ReadFile(path));
  REQUIRE(secret.ok());
  CHECK(secret->name == "nauthera-signing-keys");
  CHECK(secret->ns == "nauthera-system");
  CHECK(secret->data.count("keys.json") == 1);
  CHECK((*first)->session_key().size() == 32);
  CHECK(secret->data.at("session_key") == (*first)->session_key());

  std::string before = ReadFile(path);
  auto second = KeyRing::LoadOrCreate(path, 2000);
  REQUIRE(second.ok());
  CHECK_FALSE((*second)->created());
  REQUIRE((*second)->keys().size() == 1);
  CHECK((*second)->keys()[0].kid == key.kid);
  CHECK((*second)->keys()[0].private_key_pem == key.private_key_pem);
  CHECK((*second)->keys()[0].created_at == 1000);
  CHECK((*second)->session_key() == (*first)->session_key());
  CHECK(ReadFile(path) == before);
}

TEST_CASE("a damaged key file refuses to start and is never replaced", "[keys]") {
  auto [name, content] = GENERATE(table<std::string, std::string>({
      {"not YAML", "kind: [\n"},
      {"no keys.json", "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\ndata: {}\n"},
      {"keys.json not JSON",
       "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\ndata:\n  keys.json: bm90IGpzb24=\n"},
      {"no ACTIVE key",
       "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\ndata:\n  keys.json: W10=\n"},
  }));
  CAPTURE(name);
  TempDir dir;
  std::string path = dir.Path("keys/nauthera-signing-keys.yaml");
  WriteFile(path, content);
  auto ring = KeyRing::LoadOrCreate(path, 1);
  REQUIRE_FALSE(ring.ok());
  CHECK(std::string(ring.status().message()).find("cannot be used") != std::string::npos);
  CHECK(ReadFile(path) == content);
}

TEST_CASE("a key file without a session key gets one and keeps its signing keys", "[keys]") {
  TempDir dir;
  std::string path = dir.Path("keys/k.yaml");
  auto ring = KeyRing::LoadOrCreate(path, 1);
  REQUIRE(ring.ok());
  SecretManifest secret = *ParseSecretManifest(ReadFile(path));
  secret.data.erase("session_key");
  WriteFile(path, RenderSecretManifest(secret, "older format"));
  auto again = KeyRing::LoadOrCreate(path, 2);
  REQUIRE(again.ok());
  CHECK((*again)->keys()[0].kid == (*ring)->keys()[0].kid);
  CHECK((*again)->session_key().size() == 32);
  CHECK((*KeyRing::LoadOrCreate(path, 3))->session_key() == (*again)->session_key());
}

TEST_CASE("a key set round-trips through its JSON and is checked", "[keys]") {
  TempDir dir;
  auto ring = KeyRing::LoadOrCreate(dir.Path("k.yaml"), 5);
  REQUIRE(ring.ok());
  std::vector<SigningKey> keys = (*ring)->keys();
  auto decoded = DecodeKeySet(EncodeKeySet(keys));
  REQUIRE(decoded.ok());
  CHECK((*decoded)[0].kid == keys[0].kid);

  keys[0].kid = "not-the-thumbprint";
  CHECK_FALSE(CheckKeySet(keys).ok());
  keys[0].kid = keys[0].key->Thumbprint();
  keys.push_back(*KeyRing::MakeKey(6));  // two ACTIVE keys
  CHECK_FALSE(CheckKeySet(keys).ok());
  keys[1].phase = KeyPhase::kRetired;
  CHECK(CheckKeySet(keys).ok());
  keys.push_back(keys[1]);  // one kid twice
  CHECK_FALSE(CheckKeySet(keys).ok());
}

}  // namespace
}  // namespace nauthera::controller
