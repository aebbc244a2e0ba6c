#include "tokenserver/oauth/oauth_error.h"

#include "nlohmann/json.hpp"

namespace nauthera {

absl::string_view OAuthError::name() const {
  switch (code) {
    case OAuthErrorCode::kInvalidRequest: return "invalid_request";
    case OAuthErrorCode::kInvalidClient: return "invalid_client";
    case OAuthErrorCode::kInvalidGrant: return "invalid_grant";
    case OAuthErrorCode::kUnauthorizedClient: return "unauthorized_client";
    case OAuthErrorCode::kUnsupportedGrantType: return "unsupported_grant_type";
    case OAuthErrorCode::kInvalidScope: return "invalid_scope";
    case OAuthErrorCode::kServerError: return "server_error";
    case OAuthErrorCode::kTemporarilyUnavailable: return "temporarily_unavailable";
  }
  return "server_error";
}

int OAuthError::http_status() const {
  switch (code) {
    case OAuthErrorCode::kInvalidClient: return 401;
    case OAuthErrorCode::kServerError: return 500;
    case OAuthErrorCode::kTemporarilyUnavailable: return 503;
    default: return 400;
  }
}

OAuthError MakeOAuthError(OAuthErrorCode code, std::string description) {
  return OAuthError{code, std::move(description), false};
}

OAuthError StoreError(const absl::Status& status) {
  if (absl::IsUnavailable(status)) {
    return MakeOAuthError(OAuthErrorCode::kTemporarilyUnavailable,
                          "the token store is unreachable; retry shortly");
  }
  return MakeOAuthError(OAuthErrorCode::kServerError, "the token store failed");
}

void SetNoStoreHeaders(HttpResponse* response) {
  response->SetHeader("Cache-Control", "no-store");
  response->SetHeader("Pragma", "no-cache");
}

HttpResponse ToHttpResponse(const OAuthError& error) {
  nlohmann::ordered_json body;
  body["error"] = std::string(error.name());
  body["error_description"] = error.description;
  HttpResponse response = HttpResponse::Json(
      error.http_status(), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  SetNoStoreHeaders(&response);
  if (error.code == OAuthErrorCode::kInvalidClient && error.basic_auth_used) {
    response.SetHeader("WWW-Authenticate", "Basic realm=\"nauthera\", charset=\"UTF-8\"");
  }
  // RFC 9110 §10.2.3: a 503 may say when to come back.
  if (error.code == OAuthErrorCode::kTemporarilyUnavailable) response.SetHeader("Retry-After", "1");
  return response;
}

}  // namespace nauthera
