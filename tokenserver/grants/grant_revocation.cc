#include "tokenserver/grants/grant_revocation.h"

namespace nauthera {

absl::Status RevokeIssuedUnder(OneTimeStore* store, const std::string& grant_id,
                               const v1::Client& client, int64_t now) {
  int64_t remember_until =
      now + client.policy().access_token_ttl_seconds() + kGrantRevocationSlackSeconds;
  return store->RevokeGrant(grant_id, remember_until);
}

}  // namespace nauthera
