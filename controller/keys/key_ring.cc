#include "controller/keys/key_ring.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/random.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

constexpr absl::string_view kKeysDataKey = "keys.json";

std::string Folder(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

constexpr absl::string_view kSessionDataKey = "session_key";
constexpr size_t kSessionKeyBytes = 32;

absl::Status Refuse(const std::string& path, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the signing key file ", path, " cannot be used: ", why,
      ". Restore it from a backup; delete it only if every token it signed may become "
      "invalid (a new key is then made)"));
}

absl::StatusOr<SigningKey> MakeKey(int64_t now) {
  ASSIGN_OR_RETURN(std::unique_ptr<RsaKey> rsa, RsaKey::Generate(2048));
  SigningKey key;
  key.kid = rsa->Thumbprint();
  key.phase = KeyPhase::kActive;
  key.created_at = now;
  key.private_key_pem = rsa->PrivatePem();
  key.key = std::shared_ptr<const RsaKey>(std::move(rsa));
  return key;
}

absl::Status Save(const std::string& path, const std::vector<SigningKey>& keys,
                  const std::string& session_key) {
  SecretManifest secret;
  secret.name = std::string(kSigningKeysSecretName);
  secret.ns = std::string(kSigningKeysNamespace);
  secret.labels[std::string(kManagedByLabel)] = std::string(kManagedByValue);
  secret.data[std::string(kKeysDataKey)] = EncodeKeySet(keys);
  secret.data[std::string(kSessionDataKey)] = session_key;
  RETURN_IF_ERROR(MakePrivateDirs(Folder(path)));
  return WriteFileAtomically(
      path, RenderSecretManifest(secret,
                                 "Nauthera's token signing keys and login session key (made by "
                                 "nauthera-controller).\nKeep this file: deleting it "
                                 "invalidates every issued token and every login session."));
}

}  // namespace

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
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(keys), session->second, false));
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Generate(int64_t now_unix_seconds) {
  ASSIGN_OR_RETURN(SigningKey key, MakeKey(now_unix_seconds));
  std::vector<SigningKey> keys = {std::move(key)};
  return std::unique_ptr<KeyRing>(
      new KeyRing(std::move(keys), RandomBytes(kSessionKeyBytes), true));
}

std::map<std::string, std::string> KeyRing::ToSecretData() const {
  return {{std::string(kKeysDataKey), EncodeKeySet(keys_)},
          {std::string(kSessionDataKey), session_key_}};
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::LoadOrCreate(const std::string& path,
                                                               int64_t now_unix_seconds) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (text.ok()) {
    // 1. Existing keys: used as they are, never replaced.
    absl::StatusOr<SecretManifest> secret = ParseSecretManifest(*text);
    if (!secret.ok()) return Refuse(path, secret.status().message());
    auto data = secret->data.find(std::string(kKeysDataKey));
    if (data == secret->data.end()) return Refuse(path, "it has no data.\"keys.json\"");
    absl::StatusOr<std::vector<SigningKey>> keys = DecodeKeySet(data->second);
    if (!keys.ok()) return Refuse(path, keys.status().message());
    auto session = secret->data.find(std::string(kSessionDataKey));
    if (session != secret->data.end()) {
      if (session->second.size() < kSessionKeyBytes) {
        return Refuse(path, "data.session_key is shorter than 32 bytes");
      }
      return std::unique_ptr<KeyRing>(new KeyRing(*std::move(keys), session->second, false));
    }
    // A file from before session keys existed: add one, keeping the signing keys.
    std::string session_key = RandomBytes(kSessionKeyBytes);
    RETURN_IF_ERROR(Save(path, *keys, session_key));
    return std::unique_ptr<KeyRing>(new KeyRing(*std::move(keys), session_key, false));
  }
  if (!absl::IsNotFound(text.status())) return text.status();
  // 2. First start: one ACTIVE key and a session key.
  ASSIGN_OR_RETURN(SigningKey key, MakeKey(now_unix_seconds));
  std::vector<SigningKey> keys = {std::move(key)};
  std::string session_key = RandomBytes(kSessionKeyBytes);
  RETURN_IF_ERROR(Save(path, keys, session_key));
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(keys), session_key, true));
}

}  // namespace nauthera::controller
