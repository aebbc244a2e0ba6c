#include "tokenserver/endpoints/authorize_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/util/url.h"
#include "tokenserver/endpoints/consent_endpoint.h"
#include "tokenserver/oauth/authorization_response.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/session/login_session.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/web/cookies.h"
#include "tokenserver/web/html.h"
#include "tokenserver/web/login_page.h"

namespace nauthera {
namespace {

// RFC 6749 §3.1: GET must be supported, POST may be; parameters from the query or the body.
absl::StatusOr<Form> RequestParameters(const HttpRequest& request) {
  if (request.method == "GET") return Form::Parse(request.query);
  if (request.method != "POST") return absl::InvalidArgumentError("use GET or POST");
  const std::string* type = request.Header("content-type");
  if (type == nullptr || !IsFormContentType(*type) || FormBodyTooLarge(request)) {
    return absl::InvalidArgumentError("a POST must be a form");
  }
  return Form::Parse(request.body);
}

bool SessionSatisfies(const LoginSession& session, const AuthorizationRequest& request,
                      int64_t now) {
  if (HasPrompt(request, "login")) return false;
  return request.max_age < 0 || now - session.auth_time <= request.max_age;
}

}  // namespace

std::string RedirectOrigin(const std::string& uri) {
  auto url = ParseUrl(uri);
  if (!url.ok()) return "";
  std::string host = url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  return absl::StrCat(url->scheme, "://", host, url->port ? absl::StrCat(":", url->port) : "");
}

HttpResponse ShowLoginPage(const HttpRequest& http, const InteractiveContext& context,
                           const AuthorizationRequest& request, int status,
                           const std::string& error, const std::string& username) {
  const Snapshot& snapshot = context.snapshot;
  CsrfCookie csrf = EnsureCsrfCookie(http, snapshot);
  const v1::Client* client = snapshot.FindClient(request.client_id);
  LoginPageModel model;
  model.client_name = client && !client->display_name().empty() ? client->display_name()
                                                                : request.client_id;
  model.error = error;
  model.username = username;
  model.sealed_request = Seal(snapshot.session_key(), "authorize", request.ToJson(),
                              context.now + kLoginFormLifetimeSeconds);
  model.csrf_token = CsrfToken(snapshot, csrf.value);
  model.redirect_origin = RedirectOrigin(request.redirect_uri);
  HttpResponse response = RenderLoginPage(status, model);
  if (!csrf.set_cookie.empty()) response.headers.emplace_back("Set-Cookie", csrf.set_cookie);
  return response;
}

HttpResponse HandleAuthorize(const HttpRequest& http, const InteractiveContext& context) {
  const Snapshot& snapshot = context.snapshot;
  // 1. Parameters, once each (RFC 6749 §3.1).
  auto params = RequestParameters(http);
  if (!params.ok()) {
    return ErrorPage(400, "Invalid sign-in request", std::string(params.status().message()));
  }
  if (snapshot.session_key().empty()) {
    return ErrorPage(503, "Sign-in unavailable",
                     "Interactive sign-in is not configured on this server yet.");
  }
  // 2. Client and redirect URI first; then the rest.
  AuthorizationCheck check = CheckAuthorizationRequest(*params, snapshot);
  if (check.outcome == AuthorizationCheck::Outcome::kShowErrorPage) {
    return ErrorPage(400, "Invalid sign-in request", check.description);
  }
  if (check.outcome == AuthorizationCheck::Outcome::kRedirectError) {
    return RedirectWithError(snapshot, check.request, check.error);
  }
  const AuthorizationRequest& request = check.request;
  // 3. A live session continues (a code, or consent first), unless prompt=login or max_age
  // says otherwise.
  std::optional<LoginSession> session = ReadSession(http, snapshot, context.now);
  if (session && SessionSatisfies(*session, request, context.now)) {
    return ContinueAuthorization(http, context, request, *session->user, session->auth_time,
                                 302);
  }
  // 4. OIDC Core §3.1.2.1: prompt=none must not show any page.
  if (HasPrompt(request, "none")) {
    return RedirectWithError(
        snapshot, request,
        MakeOAuthError(OAuthErrorCode::kLoginRequired, "the user is not signed in"));
  }
  return ShowLoginPage(http, context, request, 200, "", "");
}

}  // namespace nauthera
