#include "tokenserver/tokens/access_token_revocation.h"

#include <string>

#include "tokenserver/tokens/access_token.h"

namespace nauthera {

absl::StatusOr<bool> AccessTokenRevoked(const nlohmann::json& claims, OneTimeStore* store,
                                        int64_t now) {
  auto it = claims.find(kGrantIdClaim);
  if (it == claims.end()) return false;
  // Our signature is on the token, so a non-string claim is not ours to accept.
  if (!it->is_string() || it->get<std::string>().empty()) return true;
  return store->IsGrantRevoked(it->get<std::string>(), now);
}

}  // namespace nauthera
