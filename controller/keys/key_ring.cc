#include "controller/keys/key_ring.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"

namespace nauthera::controller {
namespace {

constexpr absl::string_view kKeysDataKey = "keys.json";
constexpr absl::string_view kSessionDataKey = "session_key";
constexpr absl::string_view kRotationHandledKey = "rotation_handled";
constexpr size_t kSessionKeyBytes = 32;

absl::Status Refuse(const KeyStore& store, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the signing keys (", store.Where(), ") cannot be used: ", why,
      ". Restore them from a backup; delete them only if every token they signed may become "
      "invalid (a new key is then made)"));
}

}  // namespace

absl::StatusOr<SigningKey> KeyRing::MakeKey(int64_t now, absl::string_view algorithm) {
  ASSIGN_OR_RETURN(std::unique_ptr<JwsKey> made, GenerateJwsKey(algorithm));
  SigningKey key;
  key.kid = made->Thumbprint();
  key.algorithm = std::string(made->Algorithm());
  key.phase = KeyPhase::kActive;
  key.created_at = now;
  key.private_key_pem = made->PrivatePem();
  key.key = std::shared_ptr<const JwsKey>(std::move(made));
  return key;
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::FromSecretData(
    const std::map<std::string, std::string>& data) {
  auto keys_json = data.find(std::string(kKeysDataKey));
  if (keys_json == data.end()) {
    return absl::FailedPreconditionError("it has no data.\"keys.json\"");
  }
  ASSIGN_OR_RETURN(std::vector<SigningKey> keys, DecodeKeySet(keys_json->second));
  auto session = data.find(std::string(kSessionDataKey));
  if (session == data.end() || session->second.size() < kSessionKeyBytes) {
    return absl::FailedPreconditionError("data.session_key is missing or shorter than 32 bytes");
  }
  std::unique_ptr<KeyRing> ring(new KeyRing(std::move(keys), session->second, false));
  auto handled = data.find(std::string(kRotationHandledKey));
  if (handled != data.end()) ring->rotation_handled_ = handled->second;
  return ring;
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Generate(int64_t now_unix_seconds,
                                                           absl::string_view algorithm) {
  ASSIGN_OR_RETURN(SigningKey key, MakeKey(now_unix_seconds, algorithm));
  key.activated_at = now_unix_seconds;
  std::vector<SigningKey> keys = {std::move(key)};
  return std::unique_ptr<KeyRing>(
      new KeyRing(std::move(keys), RandomBytes(kSessionKeyBytes), true));
}

std::map<std::string, std::string> KeyRing::ToSecretData() const {
  std::map<std::string, std::string> data = {{std::string(kKeysDataKey), EncodeKeySet(keys_)},
                                             {std::string(kSessionDataKey), session_key_}};
  if (!rotation_handled_.empty()) data[std::string(kRotationHandledKey)] = rotation_handled_;
  return data;
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::LoadOrCreate(KeyStore& store,
                                                               int64_t now_unix_seconds,
                                                               absl::string_view algorithm) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<StoredKeys> stored = store.Load();
    if (stored.ok()) {
      // 1. Existing keys: used as they are, never replaced.
      if (stored->data.count(std::string(kKeysDataKey)) == 0) {
        return Refuse(store, "it has no data.\"keys.json\"");
      }
      auto session = stored->data.find(std::string(kSessionDataKey));
      if (session == stored->data.end()) {
        // A key set from before session keys existed: add one, keeping the signing keys.
        stored->data[std::string(kSessionDataKey)] = RandomBytes(kSessionKeyBytes);
        absl::StatusOr<std::unique_ptr<KeyRing>> ring = FromSecretData(stored->data);
        if (!ring.ok()) return Refuse(store, ring.status().message());
        RETURN_IF_ERROR(store.Save(stored->data, stored->version));
        return ring;
      }
      if (session->second.size() < kSessionKeyBytes) {
        return Refuse(store, "data.session_key is shorter than 32 bytes");
      }
      absl::StatusOr<std::unique_ptr<KeyRing>> ring = FromSecretData(stored->data);
      if (!ring.ok()) return Refuse(store, ring.status().message());
      return ring;
    }
    if (absl::IsDataLoss(stored.status()) || absl::IsInvalidArgument(stored.status())) {
      return Refuse(store, stored.status().message());
    }
    if (!absl::IsNotFound(stored.status())) return stored.status();
    // 2. First start: one ACTIVE key and a session key.
    ASSIGN_OR_RETURN(std::unique_ptr<KeyRing> ring, Generate(now_unix_seconds, algorithm));
    absl::Status saved = store.Save(ring->ToSecretData(), "");
    if (saved.ok()) return ring;
    if (!absl::IsAlreadyExists(saved)) return saved;
    // 3. Another replica saved first: use its keys.
    LogInfo("another replica created the signing keys first; using them",
            {{"where", store.Where()}});
  }
  return absl::AbortedError(absl::StrCat("the signing keys (", store.Where(),
                                         ") changed while they were being read; try again"));
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::LoadOrCreate(const std::string& path,
                                                               int64_t now_unix_seconds,
                                                               absl::string_view algorithm) {
  std::unique_ptr<KeyStore> store = MakeFileKeyStore(path);
  return LoadOrCreate(*store, now_unix_seconds, algorithm);
}

}  // namespace nauthera::controller
