// The local-mode key Secret: a manifest file written atomically with mode 0600.
#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/keys/key_ring.h"
#include "controller/keys/key_store.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

std::string Folder(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

class FileKeyStore : public KeyStore {
 public:
  explicit FileKeyStore(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<StoredKeys> Load() override {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path_));
    ASSIGN_OR_RETURN(SecretManifest secret, ParseSecretManifest(text));
    StoredKeys stored;
    stored.data = std::move(secret.data);
    auto rotate = secret.annotations.find(std::string(kRotateAnnotation));
    if (rotate != secret.annotations.end()) stored.rotate_request = rotate->second;
    return stored;
  }

  absl::Status Save(const std::map<std::string, std::string>& data,
                    const std::string& /*version: one writer*/) override {
    SecretManifest secret;
    // Keep what a person added (the rotate annotation above all).
    absl::StatusOr<std::string> text = ReadWholeFile(path_);
    if (text.ok()) {
      absl::StatusOr<SecretManifest> existing = ParseSecretManifest(*text);
      if (existing.ok()) {
        secret.labels = existing->labels;
        secret.annotations = existing->annotations;
      }
    }
    secret.name = std::string(kSigningKeysSecretName);
    secret.ns = std::string(kSigningKeysNamespace);
    secret.labels[std::string(kManagedByLabel)] = std::string(kManagedByValue);
    secret.data = data;
    RETURN_IF_ERROR(MakePrivateDirs(Folder(path_)));
    return WriteFileAtomically(
        path_, RenderSecretManifest(
                   secret,
                   "Nauthera's token signing keys and login session key (made by "
                   "nauthera-controller).\nKeep this file: deleting it invalidates every issued "
                   "token and every login session.\nTo rotate the signing key, set the "
                   "annotation auth.nauthera.io/rotate to a new value."));
  }

  std::string Where() const override { return absl::StrCat("file ", path_); }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<KeyStore> MakeFileKeyStore(const std::string& path) {
  return std::make_unique<FileKeyStore>(path);
}

}  // namespace nauthera::controller
