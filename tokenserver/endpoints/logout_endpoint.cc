#include "tokenserver/endpoints/logout_endpoint.h"

#include "absl/algorithm/container.h"
#include "common/util/log.h"
#include "common/util/url.h"
#include "tokenserver/endpoints/authorize_endpoint.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/oauth/redirect_uri.h"
#include "tokenserver/session/login_session.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/tokens/jwt_verifier.h"
#include "tokenserver/web/cookies.h"
#include "tokenserver/web/html.h"
#include "tokenserver/web/logout_page.h"

namespace nauthera {
namespace {

constexpr char kConfirmPurpose[] = "logout";
constexpr int64_t kConfirmLifetimeSeconds = 15 * 60;

// What the request asks, once checked.
struct LogoutRequest {
  const v1::Client* client = nullptr;  // from id_token_hint's aud, or client_id
  std::string hint_subject;            // "" without a valid id_token_hint
  std::string target;  // post_logout_redirect_uri, registered for `client`; "" for none
  std::string state;
};

HttpResponse Invalid(absl::string_view message) {
  return ErrorPage(400, "Invalid sign-out request", message);
}

// §2: the client from a valid id_token_hint (its aud), or client_id; both must agree. A hint
// that does not verify (another issuer's, a retired key's) proves nothing: the request goes
// on as one without a hint, which never ends a session without the user's confirmation.
absl::StatusOr<LogoutRequest> CheckLogoutRequest(const Form& params, const Snapshot& snapshot,
                                                 int64_t now) {
  LogoutRequest out;
  std::string client_id = params.Get("client_id");
  std::string hint = params.Get("id_token_hint");
  if (!hint.empty()) {
    // §2: an expired ID token is still a good hint.
    auto claims = VerifyJwt(snapshot, hint, {"JWT", true}, now);
    if (claims.ok() && (*claims)["aud"].is_string() && (*claims)["sub"].is_string()) {
      std::string aud = (*claims)["aud"].get<std::string>();
      if (!client_id.empty() && client_id != aud) {
        return absl::InvalidArgumentError("client_id does not match the id_token_hint.");
      }
      client_id = aud;
      out.hint_subject = (*claims)["sub"].get<std::string>();
    } else {
      LogInfo("logout: id_token_hint ignored",
              {{"error", claims.ok() ? "no aud or sub" : std::string(claims.status().message())}});
    }
  }
  if (!client_id.empty()) {
    out.client = snapshot.FindClient(client_id);
    if (out.client == nullptr) {
      return absl::InvalidArgumentError("The application is not registered.");
    }
  }
  // Where to go afterwards: only a URI registered for that client, exactly.
  std::string target = params.Get("post_logout_redirect_uri");
  if (!target.empty()) {
    if (out.client == nullptr) {
      return absl::InvalidArgumentError(
          "post_logout_redirect_uri needs client_id or id_token_hint.");
    }
    const auto& allowed = out.client->post_logout_redirect_uris();
    if (absl::c_find(allowed, target) == allowed.end()) {
      return absl::InvalidArgumentError(
          "The post_logout_redirect_uri is not registered for this application.");
    }
    // §3: redirected to only when a valid id_token_hint names the client; a bare client_id
    // anyone can copy into a link.
    if (!out.hint_subject.empty()) out.target = target;
  }
  out.state = params.Get("state");
  return out;
}

// Ends the session, then leaves: to the target with state, or the "signed out" page.
HttpResponse EndSession(const Snapshot& snapshot, const std::string& target,
                        const std::string& state) {
  HttpResponse response;
  if (target.empty()) {
    response = RenderSignedOutPage();
  } else {
    response.status = 302;
    response.SetHeader("Location",
                       state.empty() ? target
                                     : AppendQuery(target, "state=" + FormUrlEncode(state)));
    response.SetHeader("Cache-Control", "no-store");
  }
  response.headers.emplace_back("Set-Cookie", EndSessionCookie(snapshot));
  return response;
}

HttpResponse ShowConfirmPage(const HttpRequest& http, const Snapshot& snapshot,
                             const LogoutRequest& logout, const v1::User& user, int64_t now) {
  CsrfCookie csrf = EnsureCsrfCookie(http, snapshot);
  LogoutConfirmModel model;
  model.username = user.username();
  if (logout.client != nullptr) {
    model.client_name = logout.client->display_name().empty() ? logout.client->client_id()
                                                              : logout.client->display_name();
  }
  model.sealed_logout = Seal(snapshot.session_key(), kConfirmPurpose,
                             {{"t", logout.target}, {"s", logout.state}},
                             now + kConfirmLifetimeSeconds);
  model.csrf_token = CsrfToken(snapshot, csrf.value);
  model.redirect_origin = logout.target.empty() ? "" : RedirectOrigin(logout.target);
  HttpResponse page = RenderLogoutConfirmPage(model);
  if (!csrf.set_cookie.empty()) page.headers.emplace_back("Set-Cookie", csrf.set_cookie);
  return page;
}

// The confirmation page's form: CSRF as the login form's, then what was sealed into it.
HttpResponse HandleConfirmation(const HttpRequest& http, const Form& form,
                                const Snapshot& snapshot, int64_t now) {
  std::string csrf_cookie = GetCookie(http, CookieNamesFor(IssuerIsHttps(snapshot)).csrf);
  auto sealed = Unseal(snapshot.session_key(), kConfirmPurpose, form.Get("logout"), now);
  if (!CsrfTokenValid(snapshot, csrf_cookie, form.Get("csrf_token")) || !sealed.ok() ||
      !(*sealed)["t"].is_string() || !(*sealed)["s"].is_string()) {
    return ErrorPage(400, "Sign-out form expired",
                     "This page has expired or did not come from this server; you are still "
                     "signed in. Sign out from the application again.");
  }
  return EndSession(snapshot, (*sealed)["t"].get<std::string>(),
                    (*sealed)["s"].get<std::string>());
}

}  // namespace

HttpResponse HandleLogout(const HttpRequest& request, const Snapshot& snapshot, int64_t now) {
  // 1. Parameters from the query (GET) or the form body (POST), once each.
  absl::StatusOr<Form> params = absl::InvalidArgumentError("use GET or POST");
  const std::string* type = request.Header("content-type");
  bool post = request.method == "POST";
  if (request.method == "GET") {
    params = Form::Parse(request.query);
  } else if (post && type != nullptr && IsFormContentType(*type) &&
             !FormBodyTooLarge(request)) {
    params = Form::Parse(request.body);
  }
  if (!params.ok()) return Invalid(params.status().message());
  // 2. The confirmation page's own form.
  if (post && params->Has("logout")) return HandleConfirmation(request, *params, snapshot, now);
  // 3. A request from a client (§2).
  auto logout = CheckLogoutRequest(*params, snapshot, now);
  if (!logout.ok()) return Invalid(logout.status().message());
  // 4. Nobody signed in: nothing to end, nothing to confirm.
  std::optional<LoginSession> session = ReadSession(request, snapshot, now);
  if (!session) return EndSession(snapshot, logout->target, logout->state);
  // 5. A valid hint for the user signed in here ends the session at once; without one (or for
  // another user), the user confirms first, so a link or an image cannot sign anyone out.
  if (!logout->hint_subject.empty() && logout->hint_subject == session->user->subject()) {
    return EndSession(snapshot, logout->target, logout->state);
  }
  return ShowConfirmPage(request, snapshot, *logout, *session->user, now);
}

}  // namespace nauthera
