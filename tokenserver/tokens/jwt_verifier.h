// Verifies JWTs this server signed (access tokens at userinfo, id_token_hint at logout)
// against the keys published in the current snapshot.
#ifndef NAUTHERA_TOKENSERVER_TOKENS_JWT_VERIFIER_H_
#define NAUTHERA_TOKENSERVER_TOKENS_JWT_VERIFIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

struct JwtExpectations {
  std::string typ;             // "at+jwt" or "JWT"
  bool allow_expired = false;  // id_token_hint may be expired (RP-Initiated Logout §2)
};

// The claims, if: three base64url parts, alg RS256 or ES256 (and the key's own), a kid
// published now, a valid signature, the expected typ, iss equal to the issuer, and (unless
// allowed) exp in the future.
absl::StatusOr<nlohmann::json> VerifyJwt(const Snapshot& snapshot, absl::string_view token,
                                         const JwtExpectations& expect, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_JWT_VERIFIER_H_
