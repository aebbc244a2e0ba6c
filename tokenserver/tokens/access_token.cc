#include "tokenserver/tokens/access_token.h"

#include "absl/strings/str_join.h"
#include "common/crypto/random.h"
#include "tokenserver/tokens/identity_claims.h"
#include "tokenserver/tokens/jws.h"

namespace nauthera {
namespace {

// "aud": the client itself plus the policy's audiences (e.g. kube-apiserver's
// --oidc-client-id), without repeats; a string when there is only one (RFC 7519 §4.1.3).
}  // namespace

nlohmann::ordered_json AccessTokenAudience(const v1::Client& client) {
  std::vector<std::string> audiences = {client.client_id()};
  for (const std::string& audience : client.policy().audiences()) {
    if (std::find(audiences.begin(), audiences.end(), audience) == audiences.end()) {
      audiences.push_back(audience);
    }
  }
  if (audiences.size() == 1) return audiences[0];
  return audiences;
}

nlohmann::ordered_json AccessTokenClaims(const Snapshot& snapshot, const AccessTokenRequest& req,
                                         absl::string_view jti) {
  const v1::Client& client = *req.client;
  nlohmann::ordered_json claims;
  claims["iss"] = snapshot.issuer();
  claims["sub"] = req.subject;
  claims["aud"] = AccessTokenAudience(client);
  claims["exp"] = req.now + client.policy().access_token_ttl_seconds();
  claims["iat"] = req.now;
  claims["jti"] = std::string(jti);
  claims["client_id"] = client.client_id();
  claims["scope"] = absl::StrJoin(req.scopes, " ");
  if (!req.grant_id.empty()) claims[kGrantIdClaim] = req.grant_id;
  if (req.identity != nullptr) {
    AddIdentityClaims(client.policy(), req.scopes, *req.identity, &claims);
  } else if (client.kind() == v1::Client::SERVICE_ACCOUNT) {
    AddIdentityClaims(client.policy(), req.scopes, ServiceAccountIdentity(client), &claims);
  }
  return claims;
}

absl::StatusOr<IssuedAccessToken> IssueAccessToken(const Snapshot& snapshot,
                                                   const AccessTokenRequest& request) {
  nlohmann::ordered_json claims = AccessTokenClaims(snapshot, request, RandomToken(16));
  auto jwt = SignJwt(claims, "at+jwt", snapshot.active_key(), snapshot.active_kid());
  if (!jwt.ok()) return jwt.status();
  return IssuedAccessToken{*std::move(jwt), request.client->policy().access_token_ttl_seconds()};
}

}  // namespace nauthera
