// Keeps each client's `<name>-credentials` Secret in being, level-based:
//  - a Secret that exists is read back and reused, never regenerated (a client's secret
//    never changes unless someone asks: DESIGN.md, rules);
//  - a missing Secret is made: client_id = 128 random bits as hex, client_secret = 256
//    random bits as base64url; if it was seen before, it was deleted by hand, and a warning
//    says that new credentials were made;
//  - a public client that becomes confidential gets a client_secret, keeping its client_id;
//  - a Secret that is unreadable or not ours is left untouched (SecretConflict);
//  - Secrets whose owner is gone are deleted (garbage collection, as Kubernetes does with
//    ownerReferences).
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIALS_RECONCILER_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIALS_RECONCILER_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "controller/reconcilers/credential_store.h"

namespace nauthera::controller {

class CredentialsReconciler {
 public:
  explicit CredentialsReconciler(CredentialStore& store) : store_(store) {}

  // The credentials of `owner`, made if missing. `confidential`: it authenticates with a
  // client_secret. FailedPrecondition: the Secret conflicts and was left alone.
  absl::StatusOr<Credentials> Ensure(const ObjectKey& owner, bool confidential);

  // Deletes the Secret of every owner not in `live`. Returns how many were deleted.
  absl::StatusOr<int> CollectGarbage(const std::set<ObjectKey>& live);

  // Client ids an earlier run recorded (its status.json), so that a Secret deleted by hand
  // while the controller was down is reported as such.
  void Remember(const std::map<ObjectKey, std::string>& client_ids) {
    seen_.insert(client_ids.begin(), client_ids.end());
  }

  CredentialStore& store() { return store_; }

 private:
  CredentialStore& store_;
  // Client ids this process has seen, to tell "deleted by hand" from "new".
  std::map<ObjectKey, std::string> seen_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_CREDENTIALS_RECONCILER_H_
