#include "tokenserver/endpoints/login_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/password_hash.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "tokenserver/endpoints/authorize_endpoint.h"
#include "tokenserver/oauth/authorization_response.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/session/login_session.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/web/cookies.h"
#include "tokenserver/web/html.h"

namespace nauthera {
namespace {

constexpr char kGenericFailure[] = "Incorrect username or password.";

// The attempt counters (shared across replicas in Redis) cannot be read or written: refuse
// the attempt rather than check a password without limits (fail closed).
HttpResponse CountersUnavailable(const absl::Status& status) {
  Metrics::Global().Increment("nauthera_login_attempts_total", {"store_unavailable"});
  LogError("login refused: attempt counters unavailable",
           {{"error", std::string(status.message())}});
  HttpResponse page = ErrorPage(503, "Sign-in temporarily unavailable",
                                "Sign-in is temporarily unavailable. Try again in a moment.");
  page.SetHeader("Retry-After", "1");
  return page;
}

HttpResponse ExpiredForm() {
  return ErrorPage(400, "Sign-in form expired",
                   "This sign-in form has expired or did not come from this page. Go back to the "
                   "application and start signing in again.");
}

// Why a login was refused, for the administrator's log only: the person always sees one
// generic message. Empty when the password is accepted. Spends the same time whether or not
// the user exists.
std::string RefusalReason(const v1::User* user, const std::string& password) {
  static const std::string kDummyHash = [] {
    auto hash = HashPasswordArgon2id("nauthera-dummy-password");
    return hash.ok() ? *hash : std::string();
  }();
  if (user == nullptr || user->password_hash().empty()) {
    VerifyPassword(kDummyHash, password);
    return user == nullptr ? "unknown user" : "user has no password hash";
  }
  if (!VerifyPassword(user->password_hash(), password)) return "wrong password";
  if (user->disabled()) return "user disabled";
  return "";
}

constexpr size_t kMaxUsernameBytes = 256;
constexpr size_t kMaxPasswordBytes = 1024;

}  // namespace

HttpResponse HandleLogin(const HttpRequest& http, const InteractiveContext& context) {
  const Snapshot& snapshot = context.snapshot;
  // 1. A form POST.
  const std::string* type = http.Header("content-type");
  if (http.method != "POST" || type == nullptr || !IsFormContentType(*type) ||
      FormBodyTooLarge(http)) {
    return ErrorPage(400, "Invalid sign-in request", "Sign in through the application.");
  }
  auto form = Form::Parse(http.body);
  if (!form.ok()) return ErrorPage(400, "Invalid sign-in request", "The form was malformed.");
  // 2. CSRF: the form's token must be the HMAC of this browser's CSRF cookie.
  std::string csrf_cookie = GetCookie(http, CookieNamesFor(IssuerIsHttps(snapshot)).csrf);
  if (!CsrfTokenValid(snapshot, csrf_cookie, form->Get("csrf_token"))) {
    Metrics::Global().Increment("nauthera_login_attempts_total", {"csrf_failed"});
    return ExpiredForm();
  }
  // 3. The authorization request this form continues, sealed when the page was shown.
  auto sealed = Unseal(snapshot.session_key(), "authorize", form->Get("request"), context.now);
  if (!sealed.ok()) return ExpiredForm();
  AuthorizationRequest request = AuthorizationRequest::FromJson(*sealed);
  std::string stale = RecheckClient(request, snapshot);
  if (!stale.empty()) return ErrorPage(400, "Invalid sign-in request", stale);
  // 4. Attempt limits, per user and per address, before any password work.
  std::string username = form->Get("username");
  std::string password = form->Get("password");
  // Bounded before any work or storage: no real username or password is this long, so
  // refusing costs nobody anything and keeps the attempt table and the logs small.
  if (username.size() > kMaxUsernameBytes || password.size() > kMaxPasswordBytes) {
    Metrics::Global().Increment("nauthera_login_attempts_total", {"failed"});
    return ShowLoginPage(http, context, request, 401, kGenericFailure, "");
  }
  auto retry_after = context.limiter->RetryAfter(username, http.remote_address, context.now);
  if (!retry_after.ok()) return CountersUnavailable(retry_after.status());
  int64_t wait = *retry_after;
  if (wait > 0) {
    Metrics::Global().Increment("nauthera_login_attempts_total", {"rate_limited"});
    HttpResponse page = ShowLoginPage(
        http, context, request, 429,
        absl::StrCat("Too many attempts. Wait ", wait, wait == 1 ? " second" : " seconds",
                     " and try again."),
        username);
    page.SetHeader("Retry-After", std::to_string(wait));
    return page;
  }
  // 5. One generic message for a wrong user, a wrong password or a disabled account.
  const v1::User* user = snapshot.FindUserByUsername(username);
  std::string refused = username.empty() || password.empty() ? "empty username or password"
                                                              : RefusalReason(user, password);
  if (!refused.empty()) {
    absl::Status recorded =
        context.limiter->RecordFailure(username, http.remote_address, context.now);
    if (!recorded.ok()) return CountersUnavailable(recorded);
    Metrics::Global().Increment("nauthera_login_attempts_total", {"failed"});
    LogInfo("login failed", {{"username", username}, {"reason", refused},
                             {"client_id", request.client_id}, {"remote", http.remote_address}});
    return ShowLoginPage(http, context, request, 401, kGenericFailure, username);
  }
  // 6. Signed in: session cookie, then back to the client with a code.
  if (absl::Status s = context.limiter->RecordSuccess(username, http.remote_address); !s.ok()) {
    return CountersUnavailable(s);
  }
  Metrics::Global().Increment("nauthera_login_attempts_total", {"succeeded"});
  LogInfo("login succeeded", {{"username", username}, {"client_id", request.client_id}});
  HttpResponse response = RedirectWithCode(snapshot, context.store, request, *user, context.now,
                                           context.now, 303);
  response.SetHeader("Set-Cookie", StartSessionCookie(snapshot, *user, context.now));
  return response;
}

}  // namespace nauthera
