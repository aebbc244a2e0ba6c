#include "tokenserver/grants/authorization_code_grant.h"

#include "absl/algorithm/container.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/util/log.h"
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

}  // namespace

OAuthOr<HttpResponse> HandleAuthorizationCodeGrant(const GrantContext& context) {
  const v1::Client& client = *context.client.client;
  // 1. The client must be registered for, and allowed, this grant.
  if (absl::c_find(client.grant_types(), "authorization_code") == client.grant_types().end() ||
      absl::c_find(client.policy().allowed_grant_types(), "authorization_code") ==
          client.policy().allowed_grant_types().end()) {
    return MakeOAuthError(OAuthErrorCode::kUnauthorizedClient,
                          "this client may not use authorization_code");
  }
  std::string code = context.form.Get("code");
  if (code.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidRequest, "code is missing");
  }
  // 2. Single use; a replay revokes what the first exchange issued (RFC 6749 §4.1.2).
  std::string code_hash = Sha256(code);
  std::string family_to_revoke;
  auto grant = context.store->ConsumeCode(code_hash, context.now, &family_to_revoke);
  if (absl::IsFailedPrecondition(grant.status())) {
    if (!family_to_revoke.empty()) {
      if (absl::Status revoked = context.store->RevokeFamily(family_to_revoke); !revoked.ok()) {
        LogError("authorization code replayed; could not revoke the tokens issued from it",
                 {{"client_id", client.client_id()}, {"error", std::string(revoked.message())}});
        return StoreError(revoked);
      }
    }
    LogWarning("authorization code replayed; tokens issued from it revoked",
               {{"client_id", client.client_id()}});
    return InvalidGrant("authorization code already used");
  }
  if (absl::IsNotFound(grant.status())) {
    return InvalidGrant("authorization code is invalid or expired");
  }
  if (!grant.ok()) return StoreError(grant.status());
  // 3. Bound to the client and the redirect URI it was issued for (RFC 6749 §4.1.3).
  if (grant->client_id != client.client_id()) {
    return InvalidGrant("authorization code was issued to another client");
  }
  if (!SameRedirectUri(context.form.Get("redirect_uri"), grant->redirect_uri)) {
    return InvalidGrant("redirect_uri does not match the authorization request");
  }
  auto pkce = CheckPkce(*grant, context.form);
  if (!pkce.ok()) return pkce.error();
  // 4. The person must still exist and be enabled.
  const v1::User* user = context.snapshot.FindUserBySubject(grant->subject);
  if (user == nullptr || user->disabled()) return InvalidGrant("the user is no longer active");
  // 5. Issue; remember the refresh family so a code replay can revoke it.
  std::string refresh_token;
  RefreshFamily family;
  if (ClientMayRefresh(client)) {
    refresh_token = RandomToken(32);
    family = RefreshFamily{RandomToken(16), client.client_id(), grant->subject, grant->scopes,
                           grant->auth_time,
                           context.now + client.policy().refresh_token_ttl_seconds()};
  }
  UserTokenRequest request{&client,          user,        grant->scopes, grant->auth_time,
                           grant->nonce,     refresh_token, context.now};
  auto body = IssueUserTokens(context.snapshot, request);
  if (!body.ok()) return MakeOAuthError(OAuthErrorCode::kServerError, "token signing failed");
  if (!refresh_token.empty()) {
    if (absl::Status created = context.store->CreateFamily(family, Sha256(refresh_token));
        !created.ok()) {
      return StoreError(created);
    }
    if (absl::Status linked = context.store->LinkCodeToFamily(code_hash, family.family_id);
        !linked.ok()) {
      // The tokens stand; only a later replay of this code could no longer revoke them.
      LogWarning("could not link the code to its refresh family",
                 {{"client_id", client.client_id()}, {"error", std::string(linked.message())}});
    }
  }
  HttpResponse response = HttpResponse::Json(200, *std::move(body));
  SetNoStoreHeaders(&response);
  return response;
}

}  // namespace nauthera
