#include "tokenserver/endpoints/token_management_request.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/http/form.h"

namespace nauthera {
namespace {

OAuthError InvalidRequest(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidRequest, std::move(description));
}

}  // namespace

OAuthOr<TokenManagementRequest> ParseTokenManagementRequest(const HttpRequest& request,
                                                            const Snapshot& snapshot,
                                                            absl::string_view endpoint_name) {
  // 1. RFC 7009 §2.1 / RFC 7662 §2.1: an HTTP POST with a form-encoded body.
  if (request.method != "POST") {
    return InvalidRequest(absl::StrCat("the ", endpoint_name, " endpoint accepts only POST"));
  }
  if (request.body_too_large) {
    return InvalidRequest(absl::StrCat("request body larger than ", kMaxTokenRequestBytes,
                                       " bytes"));
  }
  const std::string* content_type = request.Header("content-type");
  if (content_type == nullptr || !IsFormContentType(*content_type)) {
    return InvalidRequest("Content-Type must be application/x-www-form-urlencoded");
  }
  // Tokens and credentials never belong in a URL (RFC 6749 §2.3.1, RFC 6750 §5.3).
  if (!request.query.empty()) {
    return InvalidRequest("send parameters in the body, not in the URL query");
  }
  // 2. Form syntax; a repeated parameter is an error (RFC 6749 §3.2).
  auto form = Form::Parse(request.body);
  if (!form.ok()) return InvalidRequest(std::string(form.status().message()));
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
  HttpResponse response = ToHttpResponse(error);
  if (request.method != "POST") {
    response.status = 405;
    response.SetHeader("Allow", "POST");
  }
  return response;
}

}  // namespace nauthera
