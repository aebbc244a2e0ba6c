#include "tokenserver/oauth/oauth_error.h"

#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "common/util/url.h"
#include "nlohmann/json.hpp"
#include "tokenserver/oauth/redirect_uri.h"

namespace nauthera {
namespace {

struct CatalogueEntry {
  OAuthErrorCode code;
  absl::string_view name;
  int status;
};

// One row per code: the wire name and the HTTP status it answers with in the JSON and Bearer
// forms (the redirect form is always 302).
constexpr CatalogueEntry kCatalogue[] = {
    {OAuthErrorCode::kInvalidRequest, "invalid_request", 400},
    {OAuthErrorCode::kInvalidClient, "invalid_client", 401},
    {OAuthErrorCode::kInvalidGrant, "invalid_grant", 400},
    {OAuthErrorCode::kUnauthorizedClient, "unauthorized_client", 400},
    {OAuthErrorCode::kUnsupportedGrantType, "unsupported_grant_type", 400},
    {OAuthErrorCode::kInvalidScope, "invalid_scope", 400},
    {OAuthErrorCode::kAccessDenied, "access_denied", 400},
    {OAuthErrorCode::kUnsupportedResponseType, "unsupported_response_type", 400},
    {OAuthErrorCode::kServerError, "server_error", 500},
    {OAuthErrorCode::kTemporarilyUnavailable, "temporarily_unavailable", 503},
    {OAuthErrorCode::kUnsupportedTokenType, "unsupported_token_type", 400},
    {OAuthErrorCode::kInvalidToken, "invalid_token", 401},
    {OAuthErrorCode::kInsufficientScope, "insufficient_scope", 403},
    {OAuthErrorCode::kLoginRequired, "login_required", 400},
    {OAuthErrorCode::kRequestNotSupported, "request_not_supported", 400},
    {OAuthErrorCode::kRequestUriNotSupported, "request_uri_not_supported", 400},
    {OAuthErrorCode::kConsentRequired, "consent_required", 400},
};

const CatalogueEntry& Entry(OAuthErrorCode code) {
  for (const CatalogueEntry& entry : kCatalogue) {
    if (entry.code == code) return entry;
  }
  return kCatalogue[8];  // server_error
}

// The detail is for operators only: logged here, at the one place an error leaves the server.
void LogDetail(const OAuthError& error) {
  if (error.detail.empty()) return;
  LogFields fields = {{"error", std::string(error.name())}, {"detail", error.detail}};
  if (error.http_status() >= 500) {
    LogWarning("oauth error", fields);
  } else {
    LogInfo("oauth error", fields);
  }
}

std::string JsonBody(const OAuthError& error) {
  nlohmann::ordered_json body;
  body["error"] = std::string(error.name());
  body["error_description"] = error.description;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse JsonResponse(const OAuthError& error) {
  HttpResponse response = HttpResponse::Json(error.http_status(), JsonBody(error));
  SetNoStoreHeaders(&response);
  // RFC 9110 §10.2.3: a 503 may say when to come back.
  if (error.code == OAuthErrorCode::kTemporarilyUnavailable) response.SetHeader("Retry-After", "1");
  return response;
}

constexpr char kBearerRealm[] = "Bearer realm=\"nauthera\"";

}  // namespace

absl::string_view OAuthErrorName(OAuthErrorCode code) { return Entry(code).name; }

std::optional<OAuthErrorCode> OAuthErrorCodeFromName(absl::string_view name) {
  for (const CatalogueEntry& entry : kCatalogue) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

absl::string_view OAuthError::name() const { return OAuthErrorName(code); }

int OAuthError::http_status() const {
  return status_override != 0 ? status_override : Entry(code).status;
}

OAuthError MakeOAuthError(OAuthErrorCode code, std::string description, std::string detail) {
  OAuthError error;
  error.code = code;
  error.description = std::move(description);
  error.detail = std::move(detail);
  return error;
}

OAuthError StoreError(const absl::Status& status) {
  if (absl::IsUnavailable(status)) {
    return MakeOAuthError(OAuthErrorCode::kTemporarilyUnavailable,
                          "the token store is unreachable; retry shortly",
                          std::string(status.message()));
  }
  return MakeOAuthError(OAuthErrorCode::kServerError, "the token store failed",
                        std::string(status.message()));
}

void SetNoStoreHeaders(HttpResponse* response) {
  response->SetHeader("Cache-Control", "no-store");
  response->SetHeader("Pragma", "no-cache");
}

std::string QuotedAuthParam(absl::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\'');
    } else if (u < 0x20 || u > 0x7e) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// RFC 6749 §5.2.
HttpResponse ToHttpResponse(const OAuthError& error) {
  LogDetail(error);
  HttpResponse response = JsonResponse(error);
  if (error.code == OAuthErrorCode::kInvalidClient && error.basic_auth_used) {
    response.SetHeader("WWW-Authenticate", "Basic realm=\"nauthera\", charset=\"UTF-8\"");
  }
  return response;
}

// RFC 6750 §3.
HttpResponse ToBearerResponse(const OAuthError& error) {
  LogDetail(error);
  HttpResponse response = JsonResponse(error);
  response.SetHeader("WWW-Authenticate",
                     absl::StrCat(kBearerRealm, ", error=", QuotedAuthParam(error.name()),
                                  ", error_description=", QuotedAuthParam(error.description)));
  return response;
}

HttpResponse BearerChallenge() {
  HttpResponse response;
  response.status = 401;
  response.SetHeader("WWW-Authenticate", kBearerRealm);
  SetNoStoreHeaders(&response);
  return response;
}

// RFC 6749 §4.1.2.1 (error, error_description, state) and RFC 9207 §2 (iss).
HttpResponse ToRedirectResponse(const OAuthError& error, const RedirectTarget& target) {
  LogDetail(error);
  std::string params = absl::StrCat("error=", FormUrlEncode(error.name()),
                                    "&error_description=", FormUrlEncode(error.description));
  if (!target.state.empty()) absl::StrAppend(&params, "&state=", FormUrlEncode(target.state));
  absl::StrAppend(&params, "&iss=", FormUrlEncode(target.issuer));
  HttpResponse response;
  response.status = 302;
  response.SetHeader("Location", AppendQuery(target.redirect_uri, params));
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace nauthera
