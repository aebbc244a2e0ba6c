#include "tokenserver/tokens/id_token.h"

#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"
#include "tokenserver/tokens/jws.h"

namespace nauthera {

std::string AccessTokenHash(absl::string_view access_token) {
  std::string digest = Sha256(access_token);
  return Base64UrlEncode(digest.substr(0, digest.size() / 2));
}

nlohmann::ordered_json IdTokenClaims(const Snapshot& snapshot, const IdTokenRequest& request) {
  const v1::Client& client = *request.client;
  nlohmann::ordered_json claims;
  claims["iss"] = snapshot.issuer();
  claims["sub"] = request.subject;
  claims["aud"] = client.client_id();  // OIDC Core §2: the client; azp names it again
  claims["azp"] = client.client_id();
  claims["exp"] = request.now + client.policy().id_token_ttl_seconds();
  claims["iat"] = request.now;
  claims["auth_time"] = request.auth_time;
  if (!request.nonce.empty()) claims["nonce"] = request.nonce;
  if (!request.access_token.empty()) claims["at_hash"] = AccessTokenHash(request.access_token);
  if (request.identity != nullptr) {
    AddIdentityClaims(client.policy(), request.scopes, *request.identity, &claims);
  }
  return claims;
}

absl::StatusOr<std::string> IssueIdToken(const Snapshot& snapshot, const IdTokenRequest& request) {
  return SignJwt(IdTokenClaims(snapshot, request), "JWT", snapshot.active_key(),
                 snapshot.active_kid());
}

}  // namespace nauthera
