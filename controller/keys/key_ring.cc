#include "controller/keys/key_ring.h"

#include "absl/strings/str_cat.h"
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

absl::StatusOr<std::vector<SigningKey>> Load(const std::string& path, const std::string& text) {
  auto refuse = [&](absl::string_view why) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the signing key file ", path, " cannot be used: ", why,
        ". Restore it from a backup; delete it only if every token it signed may become "
        "invalid (a new key is then made)"));
  };
  absl::StatusOr<SecretManifest> secret = ParseSecretManifest(text);
  if (!secret.ok()) return refuse(secret.status().message());
  auto data = secret->data.find(std::string(kKeysDataKey));
  if (data == secret->data.end()) return refuse("it has no data.\"keys.json\"");
  absl::StatusOr<std::vector<SigningKey>> keys = DecodeKeySet(data->second);
  if (!keys.ok()) return refuse(keys.status().message());
  return keys;
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

}  // namespace

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::LoadOrCreate(const std::string& path,
                                                               int64_t now_unix_seconds) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (text.ok()) {
    ASSIGN_OR_RETURN(std::vector<SigningKey> keys, Load(path, *text));
    return std::unique_ptr<KeyRing>(new KeyRing(std::move(keys), false));
  }
  if (!absl::IsNotFound(text.status())) return text.status();
  ASSIGN_OR_RETURN(SigningKey key, MakeKey(now_unix_seconds));
  std::vector<SigningKey> keys = {std::move(key)};
  SecretManifest secret;
  secret.name = std::string(kSigningKeysSecretName);
  secret.ns = std::string(kSigningKeysNamespace);
  secret.labels[std::string(kManagedByLabel)] = std::string(kManagedByValue);
  secret.data[std::string(kKeysDataKey)] = EncodeKeySet(keys);
  RETURN_IF_ERROR(MakePrivateDirs(Folder(path)));
  RETURN_IF_ERROR(WriteFileAtomically(
      path, RenderSecretManifest(secret,
                                 "Nauthera's token signing keys (made by nauthera-controller).\n"
                                 "Keep this file: deleting it invalidates every issued token.")));
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(keys), true));
}

}  // namespace nauthera::controller
