// ID tokens (OpenID Connect Core §2, §3.1.3.6): who signed in, for which client, when.
#ifndef NAUTHERA_TOKENSERVER_TOKENS_ID_TOKEN_H_
#define NAUTHERA_TOKENSERVER_TOKENS_ID_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/tokens/identity_claims.h"

namespace nauthera {

struct IdTokenRequest {
  const v1::Client* client = nullptr;
  std::string subject;
  const Identity* identity = nullptr;
  std::vector<std::string> scopes;
  int64_t auth_time = 0;
  std::string nonce;         // omitted when empty (refresh responses)
  std::string access_token;  // for at_hash
  int64_t now = 0;
};

// at_hash: base64url of the left half of SHA-256(access_token) (OIDC Core §3.1.3.6, RS256).
std::string AccessTokenHash(absl::string_view access_token);

nlohmann::ordered_json IdTokenClaims(const Snapshot& snapshot, const IdTokenRequest& request);

absl::StatusOr<std::string> IssueIdToken(const Snapshot& snapshot, const IdTokenRequest& request);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_ID_TOKEN_H_
