// Access tokens: JWTs in the RFC 9068 profile, so resource servers (kube-apiserver among them)
// validate them offline against JWKS.
#ifndef NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_H_
#define NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/tokens/identity_claims.h"

namespace nauthera {

struct AccessTokenRequest {
  const v1::Client* client = nullptr;
  std::string subject;              // "sub"
  std::vector<std::string> scopes;  // granted
  int64_t now = 0;                  // unix seconds
  // The person the token is about (authorization code / refresh); nullptr for a client acting
  // for itself, whose identity (a service account's) is then taken from the client.
  const Identity* identity = nullptr;
  // The grant the token was issued under (a code exchange and its refresh family); written as
  // kGrantIdClaim so a revoked grant's tokens can be refused. Empty for client credentials.
  std::string grant_id;
};

// The private claim naming the grant (RFC 7519 §4.3); userinfo and introspection refuse a
// token whose grant the one-time store says is revoked (RFC 6749 §4.1.2).
inline constexpr char kGrantIdClaim[] = "grant_id";

struct IssuedAccessToken {
  std::string jwt;
  int64_t expires_in = 0;
};

// "aud": the client itself plus the policy's audiences (e.g. kube-apiserver's
// --oidc-client-id), without repeats; a string when there is only one (RFC 7519 §4.1.3).
nlohmann::ordered_json AccessTokenAudience(const v1::Client& client);

// RFC 9068 §2.2 claims: iss, exp, aud, sub, client_id, iat, jti, scope; plus the identity
// claims each granted scope releases (policy scope_claims), e.g. email -> email,
// email_verified (a JSON boolean, as kube-apiserver requires); groups -> groups.
nlohmann::ordered_json AccessTokenClaims(const Snapshot& snapshot, const AccessTokenRequest& req,
                                         absl::string_view jti);

absl::StatusOr<IssuedAccessToken> IssueAccessToken(const Snapshot& snapshot,
                                                   const AccessTokenRequest& request);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_ACCESS_TOKEN_H_
