// The OAuth error catalogue (tokenserver/oauth/oauth_error.h): one row per code, one writer
// per wire form, the internal detail never sent, quoted values that cannot break a header.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/router_flow.h"
#include "tokenserver/oauth/oauth_error.h"

namespace nauthera {
namespace {

constexpr char kDetail[] = "internal-detail-4c1d: secret hmac mismatch for client x";

// Every header value and the body, as one string to search.
std::string Everything(const HttpResponse& response) {
  std::string out = response.body;
  for (const auto& [name, value] : response.headers) absl::StrAppend(&out, "\n", name, ":", value);
  return out;
}

// The value of `name` in a WWW-Authenticate challenge, between its quotes; "" when absent.
std::string AuthParam(const std::string& header, const std::string& name) {
  std::string key = name + "=\"";
  size_t start = header.find(key);
  if (start == std::string::npos) return "";
  start += key.size();
  return header.substr(start, header.find('"', start) - start);
}

}  // namespace

TEST_CASE("the catalogue gives each OAuth error code its RFC name and status") {
  auto [code, name, status] = GENERATE(table<OAuthErrorCode, std::string, int>({
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
  }));
  CAPTURE(name);
  OAuthError error = MakeOAuthError(code, "what to fix", kDetail);
  CHECK(error.name() == name);
  CHECK(error.http_status() == status);
  CHECK(OAuthErrorCodeFromName(name) == code);
  HttpResponse json = ToHttpResponse(error);
  CHECK(json.status == status);
  CHECK(json.GetHeader("Cache-Control") == "no-store");  // RFC 6749 §5.1
  CHECK(nlohmann::json::parse(json.body) ==
        nlohmann::json({{"error", name}, {"error_description", "what to fix"}}));
}

TEST_CASE("no writer sends the internal detail") {
  OAuthError error = MakeOAuthError(OAuthErrorCode::kInvalidGrant, "code is invalid", kDetail);
  RedirectTarget target{"https://app.example/cb", "st", testing::kIssuer};
  for (const HttpResponse& response :
       {ToHttpResponse(error), ToBearerResponse(error), ToRedirectResponse(error, target)}) {
    CHECK_FALSE(absl::StrContains(Everything(response), "internal-detail"));
    CHECK_FALSE(absl::StrContains(Everything(response), "hmac"));
  }
}

TEST_CASE("Bearer challenges never carry CR, LF or an unescaped quote (RFC 6750 §3)") {
  auto description = GENERATE(as<std::string>{}, "plain", "line\r\nSet-Cookie: x=1",
                              "say \"hi\"", "back\\slash", std::string("nul\0byte", 8),
                              "t\xc3\xa9l\xc3\xa9", "\r", "\"", std::string(300, '"'));
  CAPTURE(description);
  OAuthError error = MakeOAuthError(OAuthErrorCode::kInvalidToken, description);
  HttpResponse response = ToBearerResponse(error);
  CHECK(response.status == 401);
  std::string header = response.GetHeader("WWW-Authenticate");
  CHECK(header.find_first_of("\r\n") == std::string::npos);
  CHECK(header.find('\\') == std::string::npos);
  CHECK(absl::StartsWith(header, "Bearer realm=\"nauthera\", error=\"invalid_token\", "));
  // Exactly the six delimiting quotes of realm, error and error_description.
  CHECK(std::count(header.begin(), header.end(), '"') == 6);
  for (char c : AuthParam(header, "error_description")) {
    auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 && u <= 0x7e && c != '"' && c != '\\'));  // RFC 6750 §3 charset
  }
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  CHECK(nlohmann::json::parse(response.body, nullptr, false).value("error", "") ==
        "invalid_token");
}

TEST_CASE("a request without credentials gets the bare Bearer challenge (RFC 6750 §3.1)") {
  HttpResponse response = BearerChallenge();
  CHECK(response.status == 401);
  CHECK(response.GetHeader("WWW-Authenticate") == "Bearer realm=\"nauthera\"");
}

TEST_CASE("the redirect writer sends error, description, state and iss to the redirect URI") {
  auto [redirect_uri, state, expected] = GENERATE(table<std::string, std::string, std::string>({
      {"https://app.example/cb", "s1",
       "https://app.example/cb?error=access_denied&error_description=no+thanks&state=s1&iss="
       "http%3A%2F%2F127.0.0.1%3A8080"},
      {"https://app.example/cb?x=1", "",
       "https://app.example/cb?x=1&error=access_denied&error_description=no+thanks&iss="
       "http%3A%2F%2F127.0.0.1%3A8080"},
      {"https://app.example/cb", "a b\r\n&c=d",
       "https://app.example/cb?error=access_denied&error_description=no+thanks"
       "&state=a+b%0D%0A%26c%3Dd&iss=http%3A%2F%2F127.0.0.1%3A8080"},
  }));
  CAPTURE(redirect_uri, state);
  HttpResponse response =
      ToRedirectResponse(MakeOAuthError(OAuthErrorCode::kAccessDenied, "no thanks", kDetail),
                         RedirectTarget{redirect_uri, state, testing::kIssuer});
  CHECK(response.status == 302);  // RFC 6749 §4.1.2.1
  CHECK(response.GetHeader("Location") == expected);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
}

TEST_CASE("the router answers unknown paths and wrong methods through the catalogue") {
  testing::RouterFlow flow;
  auto [method, path, status, allow] = GENERATE(table<std::string, std::string, int, std::string>({
      {"GET", "/nope", 404, ""},
      {"GET", "/oauth2/tokens", 404, ""},
      {"POST", "/oauth2/jwks", 405, "GET, HEAD"},
      {"POST", "/.well-known/openid-configuration", 405, "GET, HEAD"},
  }));
  CAPTURE(method, path);
  HttpRequest request;
  request.method = method;
  request.path = path;
  HttpResponse response = flow.Send(request);
  CHECK(response.status == status);
  CHECK(response.GetHeader("Allow") == allow);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  CHECK(testing::ErrorOf(response) == "invalid_request");
}

}  // namespace nauthera
