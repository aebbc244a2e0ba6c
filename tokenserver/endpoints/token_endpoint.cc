#include "tokenserver/endpoints/token_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "tokenserver/grants/grant_table.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {
namespace {

// The dispatcher: every check the grants share runs here, once, in this order, before any
// grant handler (tokenserver/grants/grant_table.h) sees the request.
OAuthOr<HttpResponse> Handle(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                             OneTimeStore* store) {
  // 1. RFC 6749 §3.2: POST, size, form content type, no query, no repeated parameter.
  auto form = ParseFormPost(request, "token");
  if (!form.ok()) return form.error();
  // 2. RFC 6749 §4.1.3 / §4.4.2 / §6: grant_type is REQUIRED (invalid_request), and must be
  //    one this server implements (§5.2 unsupported_grant_type).
  std::string grant_type = form->Get("grant_type");
  if (grant_type.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidRequest, "grant_type is missing");
  }
  const Grant* grant = FindGrant(grant_type);
  if (grant == nullptr) {
    return MakeOAuthError(OAuthErrorCode::kUnsupportedGrantType,
                          absl::StrCat("grant_type \"", grant_type, "\" is not supported"));
  }
  // 3. RFC 6749 §2.3 / §3.2.1: client authentication (invalid_client).
  auto client = AuthenticateClient(request, form.value(), snapshot);
  if (!client.ok()) return client.error();
  // 4. RFC 6749 §5.2 unauthorized_client: confidential-only grants, registration and policy.
  auto allowed = CheckGrantAllowed(*grant, client.value());
  if (!allowed.ok()) return allowed.error();
  // 5. The grant itself.
  auto response = grant->handler(GrantContext{form.value(), client.value(), snapshot, now, store});
  if (response.ok()) Metrics::Global().Increment("nauthera_tokens_issued_total", {grant_type});
  return response;
}

}  // namespace

HttpResponse HandleTokenRequest(const HttpRequest& request, const Snapshot& snapshot,
                                int64_t now, OneTimeStore* store) {
  auto result = Handle(request, snapshot, now, store);
  if (result.ok()) return result.value();
  Metrics::Global().Increment("nauthera_token_errors_total", {std::string(result.error().name())});
  OAuthError error = result.error();
  if (request.method != "POST") error.status_override = 405;  // RFC 9110 §15.5.6
  HttpResponse response = ToHttpResponse(error);
  if (request.method != "POST") response.SetHeader("Allow", "POST");
  return response;
}

}  // namespace nauthera
