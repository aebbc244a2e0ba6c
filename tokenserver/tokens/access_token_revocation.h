// Whether an access token we signed was issued under a grant that has since been revoked
// (a replayed authorization code, RFC 6749 §4.1.2; a reused refresh token, RFC 9700 §4.14.2).
// Our access tokens stay self-contained JWTs for resource servers; this is the extra check the
// token server itself makes where it accepts them (userinfo, introspection).
#ifndef NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_REVOCATION_H_
#define NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_REVOCATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// True when `claims` name a grant (kGrantIdClaim) the store says is revoked. Tokens without
// the claim (client credentials) are never revoked this way. kUnavailable when the store
// cannot answer: callers refuse with 503 rather than accept an unchecked token.
absl::StatusOr<bool> AccessTokenRevoked(const nlohmann::json& claims, OneTimeStore* store,
                                        int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_REVOCATION_H_
