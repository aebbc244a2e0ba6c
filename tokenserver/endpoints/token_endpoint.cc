#include "tokenserver/endpoints/token_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "tokenserver/grants/authorization_code_grant.h"
#include "tokenserver/grants/client_credentials_grant.h"
#include "tokenserver/grants/refresh_token_grant.h"
#include "tokenserver/http/form.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {
namespace {

using GrantHandler = OAuthOr<HttpResponse> (*)(const GrantContext&);

// The grants this server implements; discovery's grant_types_supported lists the same.
GrantHandler FindGrant(absl::string_view grant_type) {
  if (grant_type == "client_credentials") return &HandleClientCredentialsGrant;
  if (grant_type == "authorization_code") return &HandleAuthorizationCodeGrant;
  if (grant_type == "refresh_token") return &HandleRefreshTokenGrant;
  return nullptr;
}

OAuthError InvalidRequest(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidRequest, std::move(description));
}

OAuthOr<HttpResponse> Handle(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                             OneTimeStore* store) {
  // 1. Method, size, content type, form syntax (no duplicates).
  auto form = ParseFormPost(request, "token");
  if (!form.ok()) return form.error();
  // 2. grant_type present and implemented here.
  std::string grant_type = form->Get("grant_type");
  if (grant_type.empty()) return InvalidRequest("grant_type is missing");
  GrantHandler grant = FindGrant(grant_type);
  if (grant == nullptr) {
    return MakeOAuthError(OAuthErrorCode::kUnsupportedGrantType,
                          absl::StrCat("grant_type \"", grant_type, "\" is not supported"));
  }
  // 3. Client authentication (RFC 6749 §2.3).
  auto client = AuthenticateClient(request, form.value(), snapshot);
  if (!client.ok()) return client.error();
  // 4. The grant itself.
  auto response = grant(GrantContext{form.value(), client.value(), snapshot, now, store});
  if (response.ok()) Metrics::Global().Increment("nauthera_tokens_issued_total", {grant_type});
  return response;
}

}  // namespace

HttpResponse HandleTokenRequest(const HttpRequest& request, const Snapshot& snapshot,
                                int64_t now, OneTimeStore* store) {
  auto result = Handle(request, snapshot, now, store);
  if (result.ok()) return result.value();
  Metrics::Global().Increment("nauthera_token_errors_total", {std::string(result.error().name())});
  HttpResponse response = ToHttpResponse(result.error());
  if (request.method != "POST") {
    response.status = 405;
    response.SetHeader("Allow", "POST");
  }
  return response;
}

}  // namespace nauthera
