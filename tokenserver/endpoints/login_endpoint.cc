#include "tokenserver/endpoints/login_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/password_hash.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "tokenserver/endpoints/authorize_endpoint.h"
#include "tokenserver/endpoints/consent_endpoint.h"
#include "tokenserver/oauth/authorization_response.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/session/log_budget.h"
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
constexpr char kTooLong[] =
    "Usernames are at most 256 bytes and passwords at most 1024 bytes long.";

// Failed logins are what an outsider can make us log: at most 20 lines a second per
// process, each username at most 64 bytes; the count of lines left out goes in the next.
void LogFailure(const std::string& username, const std::string& reason,
                const std::string& client_id, const std::string& address, int64_t now) {
  static LogBudget budget(20);
  int64_t left_out = 0;
  if (!budget.Allow(now, &left_out)) return;
  LogFields fields = {{"username", username.substr(0, 64)},
                      {"reason", reason},
                      {"client_id", client_id},
                      {"remote", address}};
  if (left_out > 0) fields.emplace_back("failures_not_logged", std::to_string(left_out));
  LogInfo("login failed", fields);
}

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
  // 4. Bounded before any work or storage: no real username or password is this long, so
  // refusing costs nobody anything and keeps the attempt table and the logs small. The
  // limits are public, so saying which rule was broken reveals nothing.
  std::string username = form->Get("username");
  std::string password = form->Get("password");
  if (username.size() > kMaxUsernameBytes || password.size() > kMaxPasswordBytes) {
    Metrics::Global().Increment("nauthera_login_attempts_total", {"too_long"});
    return ShowLoginPage(http, context, request, 400, kTooLong, "");
  }
  // 5. Attempt limits (lock per account+address, throttle per address): the attempt is
  // reserved, atomically with the check, before any password work.
  const std::string& address = context.client_address;
  auto reserved = context.limiter->Reserve(username, address, context.now);
  if (!reserved.ok()) return CountersUnavailable(reserved.status());
  int64_t wait = *reserved;
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
  // 6. One generic message for a wrong user, a wrong password or a disabled account. The
  // reservation already counts the failure.
  const v1::User* user = snapshot.FindUserByUsername(username);
  std::string refused = username.empty() || password.empty() ? "empty username or password"
                                                              : RefusalReason(user, password);
  if (!refused.empty()) {
    Metrics::Global().Increment("nauthera_login_attempts_total", {"failed"});
    LogFailure(username, refused, request.client_id, address, context.now);
    return ShowLoginPage(http, context, request, 401, kGenericFailure, username);
  }
  // 7. Signed in: session cookie, then back to the client with a code, or the consent page
  // first (endpoints/consent_endpoint.h).
  // The reservation stays counted if it cannot be taken back: that errs on the safe side,
  // and the right password is not refused for it.
  if (absl::Status s = context.limiter->Succeeded(username, address); !s.ok()) {
    LogWarning("login succeeded but its reserved attempt was not released",
               {{"error", std::string(s.message())}});
  }
  Metrics::Global().Increment("nauthera_login_attempts_total", {"succeeded"});
  LogInfo("login succeeded", {{"username", username}, {"client_id", request.client_id}});
  HttpResponse response =
      ContinueAuthorization(http, context, request, *user, context.now, 303);
  response.headers.emplace_back("Set-Cookie", StartSessionCookie(snapshot, *user, context.now));
  return response;
}

}  // namespace nauthera
