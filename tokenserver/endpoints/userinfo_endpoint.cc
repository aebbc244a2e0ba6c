#include "tokenserver/endpoints/userinfo_endpoint.h"

#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/oauth/oauth_error.h"
#include "tokenserver/tokens/access_token_revocation.h"
#include "tokenserver/tokens/identity_claims.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace nauthera {
namespace {

// RFC 6750 §3: WWW-Authenticate: Bearer, with an error code only when a token was presented;
// written by the catalogue (oauth/oauth_error.h), which escapes every quoted value.
HttpResponse BearerError(int status, absl::string_view error, absl::string_view description) {
  std::optional<OAuthErrorCode> code = OAuthErrorCodeFromName(error);
  if (!code.has_value()) return BearerChallenge();
  OAuthError oauth_error = MakeOAuthError(*code, std::string(description));
  oauth_error.status_override = status;
  return ToBearerResponse(oauth_error);
}

// RFC 6750 §2.2: the `access_token` form parameter, when the request is a POST whose body is
// application/x-www-form-urlencoded; "" when there is none. An unreadable form is an error.
std::variant<std::string, HttpResponse> BodyToken(const HttpRequest& request) {
  const std::string* content_type = request.Header("content-type");
  if (request.method != "POST" || content_type == nullptr || !IsFormContentType(*content_type)) {
    return std::string();
  }
  if (FormBodyTooLarge(request)) return BearerError(400, "invalid_request", "body too large");
  auto form = Form::Parse(request.body);
  if (!form.ok()) return BearerError(400, "invalid_request", form.status().message());
  return form->Get("access_token");
}

// The token of the Authorization: Bearer header (RFC 6750 §2.1) or of the form body (§2.2).
// §2: a client MUST NOT use more than one method, so both is invalid_request.
std::variant<std::string, HttpResponse> PresentedToken(const HttpRequest& request) {
  std::variant<std::string, HttpResponse> body = BodyToken(request);
  if (std::holds_alternative<HttpResponse>(body)) return body;
  const std::string& body_token = std::get<std::string>(body);
  int headers = 0;
  for (const auto& [name, value] : request.headers) headers += name == "authorization";
  const std::string* authorization = request.Header("authorization");
  if (authorization == nullptr) {
    if (body_token.empty()) return BearerError(401, "", "");
    return body_token;
  }
  if (!body_token.empty()) {
    return BearerError(400, "invalid_request",
                       "send the access token in the Authorization header or the body, not both");
  }
  if (headers > 1 || authorization->find(',') != std::string::npos) {
    return BearerError(400, "invalid_request", "send one Authorization header");
  }
  absl::string_view value = absl::StripAsciiWhitespace(*authorization);
  if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return BearerError(401, "", "");
  }
  return std::string(absl::StripAsciiWhitespace(value.substr(7)));
}

}  // namespace

HttpResponse HandleUserinfo(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                            OneTimeStore* store) {
  if (request.method != "GET" && request.method != "POST") {
    HttpResponse response = BearerError(405, "invalid_request", "use GET or POST");
    response.SetHeader("Allow", "GET, POST");
    return response;
  }
  // 1. The access token, from the header or the form body.
  std::variant<std::string, HttpResponse> presented = PresentedToken(request);
  if (auto* error = std::get_if<HttpResponse>(&presented)) return *error;
  const std::string& token = std::get<std::string>(presented);
  // 2. One of our access tokens, valid now.
  auto claims = VerifyJwt(snapshot, token, {"at+jwt", false}, now);
  if (!claims.ok()) return BearerError(401, "invalid_token", "the access token is not valid");
  std::vector<std::string> scopes =
      absl::StrSplit(claims->value("scope", ""), ' ', absl::SkipEmpty());
  if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
    return BearerError(403, "insufficient_scope", "the token lacks the openid scope");
  }
  // 3. Current claims of who the token is about (a person, or a service account).
  const v1::Client* client = snapshot.FindClient(claims->value("client_id", ""));
  if (client == nullptr) return BearerError(401, "invalid_token", "the client is gone");
  std::string subject = claims->value("sub", "");
  Identity identity;
  if (const v1::User* user = snapshot.FindUserBySubject(subject)) {
    if (user->disabled()) return BearerError(401, "invalid_token", "the user is disabled");
    identity = UserIdentity(*user);
  } else if (client->kind() == v1::Client::SERVICE_ACCOUNT && subject == client->client_id()) {
    identity = ServiceAccountIdentity(*client);
  } else {
    return BearerError(401, "invalid_token", "the subject is gone");
  }
  // RFC 6749 §4.1.2: a token issued from a code since replayed is refused.
  auto revoked = AccessTokenRevoked(*claims, store, now);
  if (!revoked.ok()) return ToBearerResponse(StoreError(revoked.status()));
  if (*revoked) return BearerError(401, "invalid_token", "the access token was revoked");
  nlohmann::ordered_json body;
  body["sub"] = subject;
  AddIdentityClaims(client->policy(), scopes, identity, &body);
  HttpResponse response = HttpResponse::Json(200, body.dump());
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace nauthera
