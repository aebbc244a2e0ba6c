#include "tokenserver/endpoints/consent_endpoint.h"

#include "common/util/log.h"
#include "tokenserver/endpoints/authorize_endpoint.h"
#include "tokenserver/oauth/authorization_response.h"
#include "tokenserver/oauth/consent.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/session/consent_record.h"
#include "tokenserver/session/login_session.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/web/consent_page.h"
#include "tokenserver/web/cookies.h"
#include "tokenserver/web/html.h"

namespace nauthera {
namespace {

constexpr char kFormPurpose[] = "consent-form";

HttpResponse ExpiredForm() {
  return ErrorPage(400, "Consent form expired",
                   "This page has expired or did not come from this server. Go back to the "
                   "application and start signing in again.");
}

std::string ClientName(const Snapshot& snapshot, const std::string& client_id) {
  const v1::Client* client = snapshot.FindClient(client_id);
  return client && !client->display_name().empty() ? client->display_name() : client_id;
}

// The page, bound to this user: its form carries the request and the user's subject, sealed,
// so the answer is accepted only from the same signed-in user.
HttpResponse ShowConsentPage(const HttpRequest& http, const InteractiveContext& context,
                             const AuthorizationRequest& request, const v1::User& user) {
  const Snapshot& snapshot = context.snapshot;
  CsrfCookie csrf = EnsureCsrfCookie(http, snapshot);
  ConsentPageModel model;
  model.client_name = ClientName(snapshot, request.client_id);
  model.username = user.username();
  model.scopes = request.scopes;
  model.sealed_request = Seal(snapshot.session_key(), kFormPurpose,
                              {{"r", request.ToJson()}, {"u", user.subject()}},
                              context.now + kLoginFormLifetimeSeconds);
  model.csrf_token = CsrfToken(snapshot, csrf.value);
  model.redirect_origin = RedirectOrigin(request.redirect_uri);
  HttpResponse page = RenderConsentPage(model);
  if (!csrf.set_cookie.empty()) page.headers.emplace_back("Set-Cookie", csrf.set_cookie);
  return page;
}

}  // namespace

HttpResponse ContinueAuthorization(const HttpRequest& http, const InteractiveContext& context,
                                   const AuthorizationRequest& request, const v1::User& user,
                                   int64_t auth_time, int status) {
  const Snapshot& snapshot = context.snapshot;
  const v1::Client* client = snapshot.FindClient(request.client_id);
  std::vector<std::string> remembered =
      RememberedScopes(http, snapshot, user.subject(), request.client_id, context.now);
  if (client != nullptr && !ConsentNeeded(*client, request, remembered)) {
    return RedirectWithCode(snapshot, context.store, request, user, auth_time, context.now,
                            status);
  }
  // OIDC Core §3.1.2.1: prompt=none must not show any page.
  if (HasPrompt(request, "none")) {
    return RedirectWithError(
        snapshot, request,
        MakeOAuthError(OAuthErrorCode::kConsentRequired,
                       "the user has not allowed this client these scopes"));
  }
  return ShowConsentPage(http, context, request, user);
}

HttpResponse HandleConsent(const HttpRequest& http, const InteractiveContext& context) {
  const Snapshot& snapshot = context.snapshot;
  // 1. A form POST.
  const std::string* type = http.Header("content-type");
  if (http.method != "POST" || type == nullptr || !IsFormContentType(*type) ||
      FormBodyTooLarge(http)) {
    return ErrorPage(400, "Invalid consent request", "Answer on the consent page.");
  }
  auto form = Form::Parse(http.body);
  if (!form.ok()) return ErrorPage(400, "Invalid consent request", "The form was malformed.");
  // 2. CSRF, as the login form: the token is the HMAC of this browser's CSRF cookie.
  std::string csrf_cookie = GetCookie(http, CookieNamesFor(IssuerIsHttps(snapshot)).csrf);
  if (!CsrfTokenValid(snapshot, csrf_cookie, form->Get("csrf_token"))) return ExpiredForm();
  // 3. The request this page was shown for, and the user it was shown to, still signed in.
  auto sealed = Unseal(snapshot.session_key(), kFormPurpose, form->Get("request"), context.now);
  if (!sealed.ok() || !(*sealed)["r"].is_object() || !(*sealed)["u"].is_string()) {
    return ExpiredForm();
  }
  AuthorizationRequest request = AuthorizationRequest::FromJson((*sealed)["r"]);
  std::string stale = RecheckClient(request, snapshot);
  if (!stale.empty()) return ErrorPage(400, "Invalid consent request", stale);
  std::optional<LoginSession> session = ReadSession(http, snapshot, context.now);
  if (!session || session->user->subject() != (*sealed)["u"].get<std::string>()) {
    return ErrorPage(400, "Signed out",
                     "You are no longer signed in as the user this page was for. Go back to "
                     "the application and start again.");
  }
  // 4. The answer. RFC 6749 §4.1.2.1: a refusal is access_denied, back at the client.
  std::string decision = form->Get("decision");
  LogInfo("consent answered", {{"client_id", request.client_id},
                               {"username", session->user->username()},
                               {"decision", decision}});
  if (decision == "deny") {
    return RedirectWithError(
        snapshot, request,
        MakeOAuthError(OAuthErrorCode::kAccessDenied, "the user denied access"));
  }
  if (decision != "allow") {
    return ErrorPage(400, "Invalid consent request", "Choose Allow or Deny.");
  }
  HttpResponse response = RedirectWithCode(snapshot, context.store, request, *session->user,
                                           session->auth_time, context.now, 303);
  std::string remember = RememberConsentCookie(http, snapshot, session->user->subject(),
                                               request.client_id, request.scopes, context.now);
  if (!remember.empty() && response.status == 303) {
    response.headers.emplace_back("Set-Cookie", remember);
  }
  return response;
}

}  // namespace nauthera
