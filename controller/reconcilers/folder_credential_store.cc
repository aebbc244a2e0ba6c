#include "controller/reconcilers/folder_credential_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/hashing.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

constexpr absl::string_view kSuffix = "-credentials.yaml";

std::string OwnerAnnotation(const ObjectKey& owner) {
  return absl::StrCat(KindName(owner.kind), "/", owner.name);
}

// The owner a managed Secret names, or nullopt when it is not ours or not well-formed.
std::optional<ObjectKey> OwnerOf(const SecretManifest& secret) {
  auto label = secret.labels.find(std::string(kManagedByLabel));
  auto owner = secret.annotations.find(std::string(kOwnerAnnotation));
  if (label == secret.labels.end() || label->second != kManagedByValue ||
      owner == secret.annotations.end()) {
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(owner->second, absl::MaxSplits('/', 1));
  std::optional<Kind> kind = KindFromName(parts[0]);
  if (parts.size() != 2 || !kind || !IsClientKind(*kind)) return std::nullopt;
  return ObjectKey{*kind, secret.ns, parts[1]};
}

}  // namespace

std::string CredentialsSecretName(absl::string_view owner_name) {
  return absl::StrCat(owner_name, "-credentials");
}

FolderCredentialStore::FolderCredentialStore(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string FolderCredentialStore::Reference(const ObjectKey& owner) const {
  return absl::StrCat(root_, "/", owner.ns, "/", CredentialsSecretName(owner.name), ".yaml");
}

absl::StatusOr<std::optional<Credentials>> FolderCredentialStore::Read(const ObjectKey& owner) {
  std::string path = Reference(owner);
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (absl::IsNotFound(text.status())) return std::optional<Credentials>();
  auto conflict = [&](absl::string_view why) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the Secret ", path, " ", why,
        "; Nauthera will not overwrite it. Fix it, or delete it to get new credentials"));
  };
  if (!text.ok()) return conflict(absl::StrCat("cannot be read (", text.status().message(), ")"));
  absl::StatusOr<SecretManifest> secret = ParseSecretManifest(*text);
  if (!secret.ok()) return conflict(absl::StrCat("is malformed (", secret.status().message(), ")"));
  std::optional<ObjectKey> named = OwnerOf(*secret);
  if (secret->name != CredentialsSecretName(owner.name) || secret->ns != owner.ns) {
    return conflict(absl::StrCat("names ", secret->ns, "/", secret->name, " in its metadata"));
  }
  if (!named || *named != owner) {
    return conflict(named ? absl::StrCat("belongs to ", named->ToString())
                          : std::string("was not made by Nauthera (no managed-by label or owner "
                                        "annotation)"));
  }
  Credentials credentials;
  auto id = secret->data.find("client_id");
  if (id == secret->data.end() || id->second.empty()) return conflict("has no data.client_id");
  credentials.client_id = id->second;
  auto secret_value = secret->data.find("client_secret");
  if (secret_value != secret->data.end()) {
    if (secret_value->second.empty()) return conflict("has an empty data.client_secret");
    credentials.client_secret = secret_value->second;
  }
  return std::optional<Credentials>(std::move(credentials));
}

absl::Status FolderCredentialStore::Write(const ObjectKey& owner, const Credentials& credentials) {
  SecretManifest secret;
  secret.name = CredentialsSecretName(owner.name);
  secret.ns = owner.ns;
  secret.labels[std::string(kManagedByLabel)] = std::string(kManagedByValue);
  secret.annotations[std::string(kOwnerAnnotation)] = OwnerAnnotation(owner);
  secret.data["client_id"] = credentials.client_id;
  if (credentials.client_secret) secret.data["client_secret"] = *credentials.client_secret;
  RETURN_IF_ERROR(MakePrivateDirs(absl::StrCat(root_, "/", owner.ns)));
  return WriteFileAtomically(
      Reference(owner),
      RenderSecretManifest(
          secret, absl::StrCat("Credentials of ", owner.ToString(),
                               ", made by nauthera-controller.\nThey never change unless this "
                               "file is deleted; deleting the ",
                               KindName(owner.kind), " deletes this file.")));
}

absl::StatusOr<std::vector<ObjectKey>> FolderCredentialStore::ListOwners() {
  std::vector<ObjectKey> owners;
  std::error_code error;
  if (!std::filesystem::exists(root_, error)) return owners;
  auto unavailable = [&](const std::filesystem::path& path) {
    return absl::UnavailableError(absl::StrCat("cannot list ", path.string(), ": ",
                                               error.message()));
  };
  std::filesystem::directory_iterator end;
  std::filesystem::directory_iterator ns_dir(root_, error);
  for (; !error && ns_dir != end; ns_dir.increment(error)) {
    if (!ns_dir->is_directory(error)) continue;
    std::filesystem::directory_iterator file(ns_dir->path(), error);
    for (; !error && file != end; file.increment(error)) {
      std::string name = file->path().filename().string();
      if (!absl::EndsWith(name, kSuffix)) continue;
      absl::StatusOr<std::string> text = ReadWholeFile(file->path().string());
      if (!text.ok()) continue;
      absl::StatusOr<SecretManifest> secret = ParseSecretManifest(*text);
      if (!secret.ok()) continue;
      std::optional<ObjectKey> owner = OwnerOf(*secret);
      // Only a Secret at exactly the path its owner maps to is ours to delete.
      if (owner && Reference(*owner) == file->path().string()) owners.push_back(*owner);
    }
    if (error) return unavailable(ns_dir->path());
  }
  if (error) return unavailable(root_);
  return owners;
}

absl::Status FolderCredentialStore::Delete(const ObjectKey& owner) {
  std::string path = Reference(owner);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("cannot delete ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string FolderCredentialStore::ChangeToken() {
  // Names, sizes and mtimes of every file below the root: cheap to take on every poll.
  std::string fingerprint;
  std::error_code error;
  for (std::filesystem::recursive_directory_iterator it(root_, error), end; !error && it != end;
       it.increment(error)) {
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0) continue;
    absl::StrAppend(&fingerprint, it->path().string(), ":", st.st_size, ":", st.st_mtim.tv_sec,
                    ".", st.st_mtim.tv_nsec, ";");
  }
  return Sha256(fingerprint);
}

}  // namespace nauthera::controller
