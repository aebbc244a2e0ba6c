// A browser at the token server's router, for the interactive tests: a cookie jar fed by
// every Set-Cookie, the forms' hidden fields, and the steps of a sign-in (authorize, the login
// form, the consent form). Over the test state (test_state.h) with an injected clock.
#ifndef NAUTHERA_TESTS_TOKENSERVER_BROWSER_FLOW_H_
#define NAUTHERA_TESTS_TOKENSERVER_BROWSER_FLOW_H_

#include <map>
#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/http/router.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/state/state_holder.h"
#include "tokenserver/store/memory_store.h"

namespace nauthera::testing {

inline constexpr char kBrowserVerifier[] =
    "dBjftJeZ4CVP-mJ0kzyZb-ReaDmE0Zm-ZsLEpcXa5oD5f7Yq8KfZm3oZ9xYp";

class Browser {
 public:
  explicit Browser(v1::State state = TestState());

  // Requests with the jar's cookies; every Set-Cookie of the answer goes into the jar.
  HttpResponse Get(const std::string& path, const std::string& query);
  HttpResponse PostForm(const std::string& path, const std::string& body);

  std::string Cookie(const std::string& name) const;
  void SetCookie(const std::string& name, const std::string& value) { jar_[name] = value; }
  void DropCookie(const std::string& name) { jar_.erase(name); }

  // Authorization requests: kubectl (public, PKCE, consent skipped) for http://localhost:8000,
  // the dashboard (confidential, consent required) for its https callback.
  static std::string KubectlQuery(const std::string& extra = "",
                                  const std::string& scope = "openid+email+groups");
  static std::string DashboardQuery(const std::string& extra = "");

  // GET /oauth2/authorize with `query`, then the login form with alice's password. REQUIREs
  // the login page.
  HttpResponse SignIn(const std::string& query, const std::string& username = "alice");
  // Posts the consent page's form with decision "allow" or "deny".
  HttpResponse AnswerConsent(const HttpResponse& page, const std::string& decision);
  // An ID token of alice for kubectl (signs in first when there is no session).
  std::string KubectlIdToken();

  static std::string Hidden(const HttpResponse& page, const std::string& name);
  static bool HasHidden(const HttpResponse& page, const std::string& name);
  static std::string QueryParam(const std::string& location, const std::string& name);

  int64_t now_ = kNow;

 private:
  HttpResponse Send(HttpRequest request);

  std::shared_ptr<const Snapshot> snapshot_;
  StateHolder state_;
  MemoryStore store_;
  LoginLimiter limiter_;
  std::unique_ptr<Router> router_;
  std::map<std::string, std::string> jar_;
};

}  // namespace nauthera::testing

#endif  // NAUTHERA_TESTS_TOKENSERVER_BROWSER_FLOW_H_
