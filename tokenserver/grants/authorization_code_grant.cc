#include "tokenserver/grants/authorization_code_grant.h"

#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
#include "tokenserver/grants/grant_revocation.h"
#include "tokenserver/oauth/grant_types.h"
#include "tokenserver/oauth/pkce.h"
#include "tokenserver/oauth/redirect_uri.h"
#include "tokenserver/tokens/user_tokens.h"

namespace nauthera {
namespace {

OAuthError InvalidGrant(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidGrant, std::move(description));
}

// RFC 7636 §4.6 and RFC 9700 §2.1.1: a code issued with a challenge needs the verifier; a
// verifier for a code issued without one is refused too (PKCE downgrade).
OAuthOr<bool> CheckPkce(const CodeGrant& grant, const Form& form) {
  std::string verifier = form.Get("code_verifier");
  if (grant.code_challenge.empty()) {
    if (!verifier.empty()) return InvalidGrant("code_verifier sent for a code issued without PKCE");
    return true;
  }
  if (verifier.empty()) return InvalidGrant("code_verifier is required (PKCE)");
  if (!VerifyS256(verifier, grant.code_challenge)) {
    return InvalidGrant("code_verifier does not match the code_challenge");
  }
  return true;
}

// RFC 6749 §4.1.2: a replay of a spent code revokes everything its exchange issued.
OAuthError RevokeReplayed(const GrantContext& context, const std::string& grant_id) {
  const v1::Client& client = *context.client.client;
  if (!grant_id.empty()) {
    if (absl::Status revoked = RevokeIssuedUnder(context.store, grant_id, client, context.now);
        !revoked.ok()) {
      LogError("authorization code replayed; could not revoke the tokens issued from it",
               {{"client_id", client.client_id()}, {"error", std::string(revoked.message())}});
      return StoreError(revoked);
    }
  }
  LogWarning("authorization code replayed; tokens issued from it revoked",
             {{"client_id", client.client_id()}});
  return InvalidGrant("authorization code already used");
}

// Spends the code, for this client only (store/one_time_store.h ConsumeCode).
OAuthOr<CodeGrant> SpendCode(const GrantContext& context, const std::string& code_hash) {
  const std::string& client_id = context.client.client->client_id();
  std::string grant_to_revoke;
  auto grant = context.store->ConsumeCode(code_hash, client_id, context.now, &grant_to_revoke);
  // RFC 6749 §4.1.3: the code must have been issued to the authenticated client. Checked by the
  // store before anything is spent, so another client's attempt changes nothing.
  if (absl::IsPermissionDenied(grant.status())) {
    return MakeOAuthError(OAuthErrorCode::kInvalidGrant,
                          "authorization code is invalid or expired",
                          "code presented by " + client_id + ", issued to another client");
  }
  if (absl::IsFailedPrecondition(grant.status())) return RevokeReplayed(context, grant_to_revoke);
  if (absl::IsNotFound(grant.status())) {
    return InvalidGrant("authorization code is invalid or expired");
  }
  if (!grant.ok()) return StoreError(grant.status());
  return *std::move(grant);
}

}  // namespace

// REQUIRES: the dispatcher (endpoints/token_endpoint.cc) authenticated the client and checked
// it may use authorization_code (grants/grant_table.h).
OAuthOr<HttpResponse> HandleAuthorizationCodeGrant(const GrantContext& context) {
  const v1::Client& client = *context.client.client;
  std::string code = context.form.Get("code");
  if (code.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidRequest, "code is missing");
  }
  // 1. Bound to this client, single use; a replay revokes what the first exchange issued
  //    (RFC 6749 §4.1.2, §4.1.3).
  std::string code_hash = Sha256(code);
  auto spent = SpendCode(context, code_hash);
  if (!spent.ok()) return spent.error();
  const CodeGrant* grant = &spent.value();
  // 2. Bound to the redirect URI it was issued for (RFC 6749 §4.1.3) and to PKCE (RFC 7636).
  if (!SameRedirectUri(context.form.Get("redirect_uri"), grant->redirect_uri)) {
    return InvalidGrant("redirect_uri does not match the authorization request");
  }
  auto pkce = CheckPkce(*grant, context.form);
  if (!pkce.ok()) return pkce.error();
  // 3. The person must still exist and be enabled.
  const v1::User* user = context.snapshot.FindUserBySubject(grant->subject);
  if (user == nullptr || user->disabled()) return InvalidGrant("the user is no longer active");
  // 4. Issue under one grant id: the refresh family's id when the client may refresh, so a code
  //    replay (or a refresh reuse) can revoke the family and its access tokens together. Linked
  //    before anything is issued, so a replay racing this exchange still finds it.
  std::string grant_id = RandomToken(16);
  if (absl::Status linked = context.store->LinkCodeToFamily(code_hash, grant_id); !linked.ok()) {
    return StoreError(linked);
  }
  std::string refresh_token;
  RefreshFamily family;
  if (ClientMayUseGrant(client, kGrantRefreshToken)) {
    refresh_token = RandomToken(32);
    family = RefreshFamily{grant_id,         client.client_id(), grant->subject, grant->scopes,
                           grant->auth_time,
                           context.now + client.policy().refresh_token_ttl_seconds()};
  }
  UserTokenRequest request{&client,      user,          grant->scopes, grant->auth_time,
                           grant->nonce, refresh_token, context.now,   grant_id};
  auto body = IssueUserTokens(context.snapshot, request);
  if (!body.ok()) {
    return MakeOAuthError(OAuthErrorCode::kServerError, "token signing failed",
                          std::string(body.status().message()));
  }
  if (!refresh_token.empty()) {
    // FailedPrecondition: a replay revoked the grant meanwhile; nothing is handed out.
    if (absl::Status created = context.store->CreateFamily(family, Sha256(refresh_token));
        absl::IsFailedPrecondition(created)) {
      return InvalidGrant("authorization code already used");
    } else if (!created.ok()) {
      return StoreError(created);
    }
  }
  HttpResponse response = HttpResponse::Json(200, *std::move(body));
  SetNoStoreHeaders(&response);
  return response;
}

}  // namespace nauthera
