#include "tokenserver/grants/refresh_token_grant.h"

#include "absl/algorithm/container.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
#include "tokenserver/oauth/scope.h"
#include "tokenserver/tokens/user_tokens.h"

namespace nauthera {
namespace {

OAuthError InvalidGrant(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidGrant, std::move(description));
}

HttpResponse TokenResponse(std::string body) {
  HttpResponse response = HttpResponse::Json(200, std::move(body));
  SetNoStoreHeaders(&response);
  return response;
}

// RFC 6749 §6: a requested scope must not exceed the original grant; the current policy may
// have narrowed since, so it narrows again.
OAuthOr<std::vector<std::string>> RefreshScopes(const GrantContext& context,
                                                const RefreshFamily& family) {
  auto requested = ParseScope(context.form.Get("scope"));
  if (!requested.ok()) return requested.error();
  std::vector<std::string> wanted = requested->empty() ? family.scopes : requested.value();
  std::vector<std::string> granted;
  const auto& allowed = context.client.client->policy().allowed_scopes();
  for (const std::string& scope : wanted) {
    if (absl::c_find(family.scopes, scope) == family.scopes.end()) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            "scope \"" + scope + "\" was not part of the original grant");
    }
    if (absl::c_find(allowed, scope) != allowed.end()) granted.push_back(scope);
  }
  return granted;
}

}  // namespace

OAuthOr<HttpResponse> HandleRefreshTokenGrant(const GrantContext& context) {
  const v1::Client& client = *context.client.client;
  // 1. The client must be registered for, and allowed, refresh.
  if (!ClientMayRefresh(client)) {
    return MakeOAuthError(OAuthErrorCode::kUnauthorizedClient,
                          "this client may not use refresh_token; add it to spec.grantTypes");
  }
  std::string token = context.form.Get("refresh_token");
  if (token.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidRequest, "refresh_token is missing");
  }
  // 2. Which use of the token is this?
  std::string token_hash = Sha256(token);
  auto found = context.store->LookupRefreshToken(token_hash, context.now,
                                                 kRefreshReuseGraceSeconds);
  if (!found.ok()) return StoreError(found.status());
  const RefreshLookup& lookup = *found;
  if (lookup.use == RefreshTokenUse::kUnknown || lookup.family.client_id != client.client_id()) {
    return InvalidGrant("refresh token is invalid, expired or revoked");
  }
  if (lookup.use == RefreshTokenUse::kGraceReplay) return TokenResponse(lookup.cached_response);
  if (lookup.use == RefreshTokenUse::kReuse) {
    if (absl::Status revoked = context.store->RevokeFamily(lookup.family.family_id);
        !revoked.ok()) {
      LogError("spent refresh token reused; could not revoke its family",
               {{"client_id", client.client_id()}, {"error", std::string(revoked.message())}});
      return StoreError(revoked);
    }
    LogWarning("spent refresh token reused; its family is revoked",
               {{"client_id", client.client_id()}, {"sub", lookup.family.subject}});
    return InvalidGrant("refresh token was already used; sign in again");
  }
  // 3. The person must still be active.
  const v1::User* user = context.snapshot.FindUserBySubject(lookup.family.subject);
  if (user == nullptr || user->disabled()) {
    if (absl::Status revoked = context.store->RevokeFamily(lookup.family.family_id);
        !revoked.ok()) {
      return StoreError(revoked);
    }
    return InvalidGrant("the user is no longer active");
  }
  auto scopes = RefreshScopes(context, lookup.family);
  if (!scopes.ok()) return scopes.error();
  // 4. Issue the successor (with a new ID token) and rotate atomically.
  std::string successor = RandomToken(32);
  UserTokenRequest request{&client, user, scopes.value(), lookup.family.auth_time, "",
                           successor, context.now};
  auto body = IssueUserTokens(context.snapshot, request);
  if (!body.ok()) return MakeOAuthError(OAuthErrorCode::kServerError, "token signing failed");
  absl::Status rotated = context.store->RotateRefreshToken(
      lookup.family.family_id, token_hash, Sha256(successor), *body, context.now);
  if (absl::IsAborted(rotated)) {
    // A parallel request rotated first: answer as it did.
    auto again = context.store->LookupRefreshToken(token_hash, context.now,
                                                   kRefreshReuseGraceSeconds);
    if (!again.ok()) return StoreError(again.status());
    if (again->use == RefreshTokenUse::kGraceReplay) return TokenResponse(again->cached_response);
    return InvalidGrant("refresh token is invalid, expired or revoked");
  }
  if (absl::IsNotFound(rotated)) {
    return InvalidGrant("refresh token is invalid, expired or revoked");
  }
  if (!rotated.ok()) return StoreError(rotated);
  return TokenResponse(*std::move(body));
}

}  // namespace nauthera
