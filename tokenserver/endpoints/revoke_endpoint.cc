#include "tokenserver/endpoints/revoke_endpoint.h"

#include "common/crypto/hashing.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "tokenserver/endpoints/token_management_request.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace nauthera {
namespace {

// What happened, for the nauthera_token_revocations_total{outcome} counter.
enum class Outcome { kRevoked, kIgnored, kAccessToken };

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kRevoked: return "revoked";
    case Outcome::kIgnored: return "ignored";
    case Outcome::kAccessToken: return "access_token_refused";
  }
  return "ignored";
}

// RFC 7009 §2.2: 200 with an empty body (its content is ignored by the client).
HttpResponse Revoked() {
  HttpResponse response;
  response.status = 200;
  SetNoStoreHeaders(&response);
  return response;
}

// RFC 7009 §2.2.1: our access tokens cannot be revoked one by one.
HttpResponse UnsupportedTokenType() {
  return ToHttpResponse(MakeOAuthError(
      OAuthErrorCode::kUnsupportedTokenType,
      "access tokens are short-lived JWTs and cannot be revoked one by one; they expire on "
      "their own (accessTokenTTL). Revoke the refresh token to stop new access tokens from "
      "being issued"));
}

// A refresh token of this client: revoke its family. Anything else: nothing to do.
OAuthOr<Outcome> RevokeRefreshToken(const std::string& token, const AuthenticatedClient& client,
                                    int64_t now, OneTimeStore* store) {
  auto found = store->LookupRefreshToken(Sha256(token), now, kRefreshReuseGraceSeconds);
  if (!found.ok()) return StoreError(found.status());
  if (found->use == RefreshTokenUse::kUnknown) return Outcome::kIgnored;
  // Another client's token: change nothing and say nothing (RFC 7009 §2.1 requires the token to
  // have been issued to the requesting client).
  if (found->family.client_id != client.client->client_id()) return Outcome::kIgnored;
  // Every state of a known token (current, just spent, spent long ago) revokes the family: the
  // client asked for the grant to end.
  if (absl::Status revoked = store->RevokeFamily(found->family.family_id); !revoked.ok()) {
    return StoreError(revoked);
  }
  LogInfo("refresh token family revoked at the client's request",
          {{"client_id", client.client->client_id()}, {"sub", found->family.subject}});
  return Outcome::kRevoked;
}

OAuthOr<HttpResponse> Handle(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                             OneTimeStore* store) {
  auto parsed = ParseTokenManagementRequest(request, snapshot, "revocation");
  if (!parsed.ok()) return parsed.error();
  const TokenManagementRequest& req = parsed.value();
  Outcome outcome = Outcome::kIgnored;
  if (req.token.size() > kMaxPresentedTokenBytes) {
    outcome = Outcome::kIgnored;  // cannot be one of ours
  } else if (LooksLikeJwt(req.token)) {
    // One of our access tokens, live, issued to this client: say why it cannot be revoked.
    // Any other JWT is invalid here and answers 200 (RFC 7009 §2.2).
    auto claims = VerifyJwt(snapshot, req.token, {"at+jwt", false}, now);
    if (claims.ok() && claims->value("client_id", "") == req.client.client->client_id()) {
      outcome = Outcome::kAccessToken;
    }
  } else {
    auto revoked = RevokeRefreshToken(req.token, req.client, now, store);
    if (!revoked.ok()) return revoked.error();
    outcome = revoked.value();
  }
  Metrics::Global().Increment("nauthera_token_revocations_total",
                              {std::string(OutcomeName(outcome))});
  if (outcome == Outcome::kAccessToken) return UnsupportedTokenType();
  return Revoked();
}

}  // namespace

HttpResponse HandleRevoke(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                          OneTimeStore* store) {
  auto result = Handle(request, snapshot, now, store);
  if (result.ok()) return result.value();
  Metrics::Global().Increment("nauthera_token_errors_total", {std::string(result.error().name())});
  return TokenManagementErrorResponse(request, result.error());
}

}  // namespace nauthera
