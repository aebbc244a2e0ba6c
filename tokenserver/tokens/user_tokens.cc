#include "tokenserver/tokens/user_tokens.h"

#include "absl/algorithm/container.h"
#include "absl/strings/str_join.h"
#include "common/util/status_macros.h"
#include "nlohmann/json.hpp"
#include "tokenserver/tokens/access_token.h"
#include "tokenserver/tokens/id_token.h"

namespace nauthera {

absl::StatusOr<std::string> IssueUserTokens(const Snapshot& snapshot,
                                            const UserTokenRequest& request) {
  Identity identity = UserIdentity(*request.user);
  AccessTokenRequest access{request.client, request.user->subject(), request.scopes, request.now,
                            &identity,      request.grant_id};
  ASSIGN_OR_RETURN(IssuedAccessToken issued, IssueAccessToken(snapshot, access));
  nlohmann::ordered_json body;
  body["access_token"] = issued.jwt;
  body["token_type"] = "Bearer";
  body["expires_in"] = issued.expires_in;
  body["scope"] = absl::StrJoin(request.scopes, " ");
  if (absl::c_find(request.scopes, "openid") != request.scopes.end()) {
    IdTokenRequest id{request.client,    request.user->subject(), &identity,
                      request.scopes,    request.auth_time,       request.nonce,
                      issued.jwt,        request.now};
    ASSIGN_OR_RETURN(std::string id_token, IssueIdToken(snapshot, id));
    body["id_token"] = id_token;
  }
  if (!request.refresh_token.empty()) body["refresh_token"] = request.refresh_token;
  return body.dump();
}

}  // namespace nauthera
