// The token response for a person (authorization code and refresh grants): access token,
// ID token when "openid" was granted, and a new refresh token when the client may refresh.
#ifndef NAUTHERA_TOKENSERVER_TOKENS_USER_TOKENS_H_
#define NAUTHERA_TOKENSERVER_TOKENS_USER_TOKENS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

struct UserTokenRequest {
  const v1::Client* client = nullptr;
  const v1::User* user = nullptr;
  std::vector<std::string> scopes;
  int64_t auth_time = 0;
  std::string nonce;
  std::string refresh_token;  // the new one to hand out; empty for none
  int64_t now = 0;
  std::string grant_id;  // carried by the access token (AccessTokenRequest::grant_id)
};

// The JSON body of a successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
absl::StatusOr<std::string> IssueUserTokens(const Snapshot& snapshot,
                                            const UserTokenRequest& request);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_USER_TOKENS_H_
