#include "tokenserver/grants/client_credentials_grant.h"

#include "absl/strings/str_join.h"
#include "common/util/log.h"
#include "nlohmann/json.hpp"
#include "tokenserver/oauth/scope.h"
#include "tokenserver/tokens/access_token.h"

namespace nauthera {

// REQUIRES: the dispatcher (endpoints/token_endpoint.cc) authenticated the client with a
// secret and checked it may use client_credentials (grants/grant_table.h).
OAuthOr<HttpResponse> HandleClientCredentialsGrant(const GrantContext& context) {
  const v1::Client& client = *context.client.client;
  // 1. RFC 6749 §3.3: requested scope, narrowed to what is registered and allowed.
  auto requested = ParseScope(context.form.Get("scope"));
  if (!requested.ok()) return requested.error();
  auto granted = GrantScopes(requested.value(), client.registered_scopes(),
                             client.policy().allowed_scopes());
  if (!granted.ok()) return granted.error();
  // 2. Sign. The subject of a client-credentials token is the client itself.
  AccessTokenRequest request;
  request.client = &client;
  request.subject = client.client_id();
  request.scopes = granted.value();
  request.now = context.now;
  auto token = IssueAccessToken(context.snapshot, request);
  if (!token.ok()) {
    LogError("signing failed", {{"error", std::string(token.status().message())}});
    return MakeOAuthError(OAuthErrorCode::kServerError, "the token could not be signed");
  }
  // 3. RFC 6749 §4.4.3 / §5.1: no refresh token; scope always stated.
  nlohmann::ordered_json body;
  body["access_token"] = token->jwt;
  body["token_type"] = "Bearer";
  body["expires_in"] = token->expires_in;
  body["scope"] = absl::StrJoin(granted.value(), " ");
  HttpResponse response = HttpResponse::Json(200, body.dump());
  SetNoStoreHeaders(&response);
  return response;
}

}  // namespace nauthera
