// Credentials as Kubernetes Secret manifests in a folder:
//   <root>/<namespace>/<name>-credentials.yaml   (folders 0700, files 0600, atomic writes)
// Each is labelled app.kubernetes.io/managed-by: nauthera and annotated
// auth.nauthera.io/owner: <Kind>/<name>, the local stand-in for an ownerReference.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_FOLDER_CREDENTIAL_STORE_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_FOLDER_CREDENTIAL_STORE_H_

#include <string>

#include "controller/reconcilers/credential_store.h"

namespace nauthera::controller {

class FolderCredentialStore : public CredentialStore {
 public:
  // `root` is created (0700) on first write.
  explicit FolderCredentialStore(std::string root);

  absl::StatusOr<std::optional<Credentials>> Read(const ObjectKey& owner) override;
  absl::Status Write(const ObjectKey& owner, const Credentials& credentials) override;
  absl::StatusOr<std::vector<ObjectKey>> ListOwners() override;
  absl::Status Delete(const ObjectKey& owner) override;
  std::string Reference(const ObjectKey& owner) const override;
  std::string ChangeToken() override;

 private:
  std::string root_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_FOLDER_CREDENTIAL_STORE_H_
