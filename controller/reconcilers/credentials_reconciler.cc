#include "controller/reconcilers/credentials_reconciler.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"

namespace nauthera::controller {

absl::StatusOr<Credentials> CredentialsReconciler::Ensure(const ObjectKey& owner,
                                                          bool confidential) {
  ASSIGN_OR_RETURN(std::optional<Credentials> existing, store_.Read(owner));
  std::string ref = store_.Reference(owner);
  if (existing) {
    if (confidential && !existing->client_secret) {
      existing->client_secret = RandomToken(32);
      RETURN_IF_ERROR(store_.Write(owner, *existing));
      LogInfo("added a client_secret to credentials (the client is now confidential; "
              "client_id unchanged)",
              {{"object", owner.ToString()}, {"secret", ref}});
    }
    seen_[owner] = existing->client_id;
    return *std::move(existing);
  }
  Credentials made;
  made.client_id = RandomHex(16);
  if (confidential) made.client_secret = RandomToken(32);
  RETURN_IF_ERROR(store_.Write(owner, made));
  auto seen = seen_.find(owner);
  if (seen != seen_.end()) {
    LogWarning("credentials Secret was deleted by hand; made a new client_id and client_secret: "
               "every consumer of the old ones must be updated",
               {{"object", owner.ToString()},
                {"secret", ref},
                {"old_client_id", seen->second},
                {"client_id", made.client_id}});
  } else {
    LogInfo("created credentials", {{"object", owner.ToString()},
                                    {"secret", ref},
                                    {"client_id", made.client_id}});
  }
  seen_[owner] = made.client_id;
  return made;
}

absl::StatusOr<int> CredentialsReconciler::CollectGarbage(const std::set<ObjectKey>& live) {
  ASSIGN_OR_RETURN(std::vector<ObjectKey> owners, store_.ListOwners());
  int deleted = 0;
  for (const ObjectKey& owner : owners) {
    if (live.count(owner) > 0) continue;
    RETURN_IF_ERROR(store_.Delete(owner));
    seen_.erase(owner);
    ++deleted;
    LogInfo("deleted the credentials of a removed object",
            {{"object", owner.ToString()}, {"secret", store_.Reference(owner)}});
  }
  return deleted;
}

}  // namespace nauthera::controller
