#include "tokenserver/grants/refresh_token_grant.h"

#include "absl/algorithm/container.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
#include "tokenserver/grants/grant_revocation.h"
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

// The person the family is about must still be active and its client still registered (the
// caller checked it is the presenting client); otherwise the family ends here.
OAuthOr<const v1::User*> StillActive(const GrantContext& context, const RefreshFamily& family) {
  const v1::User* user = context.snapshot.FindUserBySubject(family.subject);
  const v1::Client* client = context.snapshot.FindClient(family.client_id);
  if (user != nullptr && !user->disabled() && client != nullptr) return user;
  if (absl::Status revoked = context.store->RevokeFamily(family.family_id); !revoked.ok()) {
    return StoreError(revoked);
  }
  return MakeOAuthError(OAuthErrorCode::kInvalidGrant, "the user is no longer active",
                        "refresh family of " + family.subject + " ended: user or client gone");
}

}  // namespace

// REQUIRES: the dispatcher (endpoints/token_endpoint.cc) authenticated the client and checked
// it may use refresh_token (grants/grant_table.h).
OAuthOr<HttpResponse> HandleRefreshTokenGrant(const GrantContext& context) {
  const v1::Client& client = *context.client.client;
  std::string token = context.form.Get("refresh_token");
  if (token.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidRequest, "refresh_token is missing");
  }
  // 1. Which use of the token is this? Another client's token is unknown to this one.
  std::string token_hash = Sha256(token);
  auto found = context.store->LookupRefreshToken(token_hash, context.now,
                                                 kRefreshReuseGraceSeconds);
  if (!found.ok()) return StoreError(found.status());
  const RefreshLookup& lookup = *found;
  if (lookup.use == RefreshTokenUse::kUnknown || lookup.family.client_id != client.client_id()) {
    return InvalidGrant("refresh token is invalid, expired or revoked");
  }
  // 2. RFC 9700 §4.14.2: a spent token outside the grace window is theft; the family and the
  //    access tokens issued under it end.
  if (lookup.use == RefreshTokenUse::kReuse) {
    if (absl::Status revoked = RevokeIssuedUnder(context.store, lookup.family.family_id, client,
                                                 context.now);
        !revoked.ok()) {
      LogError("spent refresh token reused; could not revoke its family",
               {{"client_id", client.client_id()}, {"error", std::string(revoked.message())}});
      return StoreError(revoked);
    }
    LogWarning("spent refresh token reused; its family is revoked",
               {{"client_id", client.client_id()}, {"sub", lookup.family.subject}});
    return InvalidGrant("refresh token was already used; sign in again");
  }
  // 3. The person and the client must still be active: checked for the live token and for a
  //    grace replay alike, so a cached successor is never handed out after either is gone.
  auto active = StillActive(context, lookup.family);
  if (!active.ok()) return active.error();
  const v1::User* user = active.value();
  if (lookup.use == RefreshTokenUse::kGraceReplay) return TokenResponse(lookup.cached_response);
  auto scopes = RefreshScopes(context, lookup.family);
  if (!scopes.ok()) return scopes.error();
  // 4. Issue the successor (a new ID token; the access token under the family id) and rotate
  //    atomically.
  std::string successor = RandomToken(32);
  UserTokenRequest request{&client,   user,        scopes.value(), lookup.family.auth_time, "",
                           successor, context.now, lookup.family.family_id};
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
