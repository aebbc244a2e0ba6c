// Where the `<name>-credentials` Secrets live. FolderCredentialStore writes Secret manifests
// into the state folder (local mode); a Kubernetes store (Secrets with ownerReferences) will
// implement the same interface.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIAL_STORE_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIAL_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/api/kinds.h"

namespace nauthera::controller {

struct Credentials {
  // 32 lowercase hex characters (128 random bits).
  std::string client_id;
  // 43 base64url characters (256 random bits); nullopt for public clients (authMethod none).
  std::optional<std::string> client_secret;
};

// "<owner name>-credentials", the Secret name DESIGN.md and the guide use.
std::string CredentialsSecretName(absl::string_view owner_name);

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // The credentials held for `owner`; nullopt when its Secret does not exist. Fails with
  // FailedPrecondition when a Secret of that name exists but is unreadable, malformed or
  // belongs to another owner: the caller must then leave it alone (SecretConflict).
  virtual absl::StatusOr<std::optional<Credentials>> Read(const ObjectKey& owner) = 0;

  // Writes (creates or replaces) the Secret of `owner`.
  virtual absl::Status Write(const ObjectKey& owner, const Credentials& credentials) = 0;

  // The owners of every Secret this store manages (labelled managed-by nauthera and
  // annotated with their owner). Secrets it cannot read are not listed, so never deleted.
  virtual absl::StatusOr<std::vector<ObjectKey>> ListOwners() = 0;

  // Deletes the Secret of `owner` (garbage collection of a removed object).
  virtual absl::Status Delete(const ObjectKey& owner) = 0;

  // Where the Secret is, for status and logs: a file path, or "namespace/name".
  virtual std::string Reference(const ObjectKey& owner) const = 0;

  // Changes whenever any Secret changes (by us or by hand), so the controller can reconcile
  // after a Secret is deleted or edited without a manifest changing.
  virtual std::string ChangeToken() = 0;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIAL_STORE_H_
