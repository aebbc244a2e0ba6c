#include "tokenserver/endpoints/token_management_request.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/form_post.h"

namespace nauthera {
namespace {

OAuthError InvalidRequest(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidRequest, std::move(description));
}

}  // namespace

OAuthOr<TokenManagementRequest> ParseTokenManagementRequest(const HttpRequest& request,
                                                            const Snapshot& snapshot,
                                                            absl::string_view endpoint_name) {
  // 1-2. RFC 7009 §2.1 / RFC 7662 §2.1: an HTTP POST with a form-encoded body, no query,
  // no repeated parameter (oauth/form_post.h).
  auto form = ParseFormPost(request, endpoint_name);
  if (!form.ok()) return form.error();
  // 3. `token` is REQUIRED (RFC 7009 §2.1, RFC 7662 §2.1).
  std::string token = form->Get("token");
  if (token.empty()) return InvalidRequest("token is missing");
  // 4. Client authentication, the same as at the token endpoint.
  auto client = AuthenticateClient(request, form.value(), snapshot);
  if (!client.ok()) return client.error();
  // 5. token_type_hint is OPTIONAL; an unknown value is ignored (RFC 7009 §2.1).
  std::string hint = form->Get("token_type_hint");
  if (hint != "access_token" && hint != "refresh_token") hint.clear();
  return TokenManagementRequest{std::move(token), std::move(hint), client.value()};
}

bool LooksLikeJwt(absl::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

HttpResponse TokenManagementErrorResponse(const HttpRequest& request, const OAuthError& error) {
  OAuthError written = error;
  if (request.method != "POST") written.status_override = 405;  // RFC 9110 §15.5.6
  HttpResponse response = ToHttpResponse(written);
  if (request.method != "POST") response.SetHeader("Allow", "POST");
  return response;
}

}  // namespace nauthera
