// Consent (OIDC Core §3.1.2.4, §11): when it is asked, the page, the answer, and what the
// browser remembers.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/tokenserver/browser_flow.h"
#include "tests/tokenserver/test_state.h"
#include "nlohmann/json.hpp"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/oauth/consent.h"
#include "tokenserver/session/consent_record.h"

namespace nauthera {
namespace {

using testing::Browser;

std::vector<std::string> Words(const std::string& text) {
  return absl::StrSplit(text, ' ', absl::SkipEmpty());
}

constexpr char kConsentCookie[] = "nauthera-consent";

}  // namespace

TEST_CASE("consent is asked by the client's setting, offline_access, prompt and memory") {
  using C = v1::Client;
  auto [mode, scopes, prompt, remembered, needed] =
      GENERATE(table<C::Consent, std::string, std::string, std::string, bool>({
          {C::CONSENT_REQUIRED, "openid email", "", "", true},
          {C::CONSENT_REQUIRED, "openid email", "", "openid email", false},
          {C::CONSENT_REQUIRED, "openid email", "", "email openid groups", false},
          {C::CONSENT_REQUIRED, "openid email groups", "", "openid email", true},  // superset
          {C::CONSENT_REQUIRED, "openid email", "consent", "openid email", true},
          {C::CONSENT_REQUIRED, "openid email", "login consent", "openid email", true},
          {C::CONSENT_REQUIRED, "openid", "login", "openid", false},
          {C::CONSENT_SKIP, "openid email groups", "", "", false},  // first-party
          {C::CONSENT_SKIP, "openid offline_access", "", "", true},  // §11
          {C::CONSENT_SKIP, "openid offline_access", "", "offline_access", false},
          {C::CONSENT_SKIP, "openid", "consent", "", true},
          {C::CONSENT_SKIP_ALL, "openid offline_access", "", "", false},
          {C::CONSENT_SKIP_ALL, "openid", "consent", "", true},
      }));
  CAPTURE(mode, scopes, prompt, remembered);
  v1::Client client;
  client.set_consent(mode);
  AuthorizationRequest request;
  request.scopes = Words(scopes);
  request.prompt = prompt;
  CHECK(ConsentNeeded(client, request, Words(remembered)) == needed);
}

TEST_CASE("a remembered consent is per user and client, and a forged one is nothing") {
  auto snapshot = testing::TestSnapshot();
  HttpRequest empty;
  std::string set_cookie = RememberConsentCookie(empty, *snapshot, "subject-of-alice", "web",
                                                 {"openid", "email"}, testing::kNow);
  REQUIRE_FALSE(set_cookie.empty());
  CHECK_THAT(set_cookie, Catch::StartsWith(std::string(kConsentCookie) + "=") &&
                             Catch::Contains("HttpOnly") && Catch::Contains("SameSite=Lax"));
  std::string value = set_cookie.substr(set_cookie.find('=') + 1,
                                        set_cookie.find(';') - set_cookie.find('=') - 1);
  HttpRequest request;
  request.headers.emplace_back("cookie", absl::StrCat(kConsentCookie, "=", value));
  auto remembered = [&](const std::string& subject, const std::string& client, int64_t at) {
    return RememberedScopes(request, *snapshot, subject, client, at);
  };
  CHECK(remembered("subject-of-alice", "web", testing::kNow) ==
        std::vector<std::string>{"email", "openid"});
  CHECK(remembered("subject-of-bob", "web", testing::kNow).empty());  // another person
  CHECK(remembered("subject-of-alice", "other", testing::kNow).empty());
  CHECK(remembered("subject-of-alice", "web", testing::kNow + kConsentLifetimeSeconds).empty());
  // A second grant keeps the first; scopes allowed again are merged.
  std::string second = RememberConsentCookie(request, *snapshot, "subject-of-alice", "other",
                                             {"openid"}, testing::kNow + 10);
  HttpRequest both;
  both.headers.emplace_back(
      "cookie", second.substr(0, second.find(';')));
  CHECK(RememberedScopes(both, *snapshot, "subject-of-alice", "web", testing::kNow + 10) ==
        std::vector<std::string>{"email", "openid"});
  CHECK(RememberedScopes(both, *snapshot, "subject-of-alice", "other", testing::kNow + 10) ==
        std::vector<std::string>{"openid"});
  // Altered by one character: the MAC fails and nothing is remembered.
  std::string forged = value;
  forged[3] = forged[3] == 'A' ? 'B' : 'A';
  HttpRequest tampered;
  tampered.headers.emplace_back("cookie", absl::StrCat(kConsentCookie, "=", forged));
  CHECK(RememberedScopes(tampered, *snapshot, "subject-of-alice", "web", testing::kNow).empty());
}

TEST_CASE("the consent cookie stays within its limits: the oldest grants go first") {
  auto snapshot = testing::TestSnapshot();
  HttpRequest request;
  std::string set_cookie;
  for (int i = 0; i < 20; ++i) {
    set_cookie = RememberConsentCookie(request, *snapshot, "subject-of-alice",
                                       absl::StrCat("client-", i), {"openid", "email"},
                                       testing::kNow + i);
    REQUIRE_FALSE(set_cookie.empty());
    CHECK(set_cookie.size() < kMaxConsentCookieBytes + 200);
    request.headers.clear();
    request.headers.emplace_back("cookie", set_cookie.substr(0, set_cookie.find(';')));
  }
  int64_t now = testing::kNow + 20;
  CHECK_FALSE(RememberedScopes(request, *snapshot, "subject-of-alice", "client-19", now).empty());
  CHECK_FALSE(RememberedScopes(request, *snapshot, "subject-of-alice", "client-12", now).empty());
  CHECK(RememberedScopes(request, *snapshot, "subject-of-alice", "client-11", now).empty());
  // One grant too large for a cookie is not remembered at all.
  std::vector<std::string> many;
  for (int i = 0; i < 64; ++i) many.push_back(absl::StrCat("scope-", std::string(100, 'x'), i));
  CHECK(RememberConsentCookie(HttpRequest{}, *snapshot, "subject-of-alice", "big", many, now)
            .empty());
}

TEST_CASE("a client that needs consent shows the page after login; Allow gives the code") {
  Browser browser;
  HttpResponse page = browser.SignIn(Browser::DashboardQuery());
  REQUIRE(page.status == 200);
  CHECK(page.GetHeader("Location").empty());
  CHECK_FALSE(browser.Cookie("nauthera-session").empty());  // signed in, not yet allowed
  CHECK_THAT(page.body, Catch::Contains("Allow access?") &&
                            Catch::Contains("See your email address") &&
                            Catch::Contains("Know who you are") &&
                            Catch::Contains("action=\"/oauth2/consent\"") &&
                            Catch::Contains("value=\"allow\"") && Catch::Contains("value=\"deny\""));
  CHECK_THAT(page.body, !Catch::Contains("<script"));  // works without JavaScript
  CHECK_THAT(page.GetHeader("Content-Security-Policy"),
             Catch::Contains("form-action 'self' https://dashboard.example.com"));
  HttpResponse allowed = browser.AnswerConsent(page, "allow");
  REQUIRE(allowed.status == 303);
  std::string location = allowed.GetHeader("Location");
  CHECK_THAT(location, Catch::StartsWith("https://dashboard.example.com/callback?code="));
  CHECK(Browser::QueryParam(location, "state") == "st-2");
  CHECK_FALSE(browser.Cookie(kConsentCookie).empty());
  // Remembered: the same scopes again go straight back with a code.
  HttpResponse again = browser.Get("/oauth2/authorize", Browser::DashboardQuery());
  CHECK(again.status == 302);
  CHECK_FALSE(Browser::QueryParam(again.GetHeader("Location"), "code").empty());
  // prompt=consent asks anyway.
  HttpResponse forced =
      browser.Get("/oauth2/authorize", Browser::DashboardQuery("&prompt=consent"));
  CHECK(forced.status == 200);
  CHECK_THAT(forced.body, Catch::Contains("Allow access?"));
}

TEST_CASE("Deny sends access_denied with state and iss to the client, and issues no code") {
  Browser browser;
  HttpResponse page = browser.SignIn(Browser::DashboardQuery());
  REQUIRE(page.status == 200);
  HttpResponse denied = browser.AnswerConsent(page, "deny");
  REQUIRE(denied.status == 302);
  std::string location = denied.GetHeader("Location");
  CHECK(Browser::QueryParam(location, "error") == "access_denied");
  CHECK(Browser::QueryParam(location, "state") == "st-2");
  CHECK(Browser::QueryParam(location, "iss") == testing::kIssuer);
  CHECK(Browser::QueryParam(location, "code").empty());
  CHECK(browser.Cookie(kConsentCookie).empty());  // nothing remembered
  CHECK(browser.Get("/oauth2/authorize", Browser::DashboardQuery()).status == 200);  // asks again
}

TEST_CASE("prompt=none when consent is needed answers consent_required with state") {
  Browser browser;
  REQUIRE(browser.SignIn(Browser::KubectlQuery()).status == 303);  // a session, no consent
  HttpResponse none = browser.Get("/oauth2/authorize", Browser::DashboardQuery("&prompt=none"));
  REQUIRE(none.status == 302);
  CHECK(Browser::QueryParam(none.GetHeader("Location"), "error") == "consent_required");
  CHECK(Browser::QueryParam(none.GetHeader("Location"), "state") == "st-2");
  // A first-party client needs none: prompt=none gives the code.
  HttpResponse kubectl = browser.Get("/oauth2/authorize", Browser::KubectlQuery("&prompt=none"));
  CHECK_FALSE(Browser::QueryParam(kubectl.GetHeader("Location"), "code").empty());
}

TEST_CASE("a first-party client asks only for offline_access, once") {
  v1::State state = testing::TestState();
  for (v1::Client& client : *state.mutable_clients()) {
    if (client.client_id() == testing::kPublicId) client.add_registered_scopes("offline_access");
  }
  Browser browser(state);
  HttpResponse plain = browser.SignIn(Browser::KubectlQuery());
  CHECK(plain.status == 303);  // consent: skip
  std::string offline = Browser::KubectlQuery("", "openid+offline_access");
  HttpResponse page = browser.Get("/oauth2/authorize", offline);
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("Stay signed in"));
  REQUIRE(browser.AnswerConsent(page, "allow").status == 303);
  CHECK(browser.Get("/oauth2/authorize", offline).status == 302);
}

TEST_CASE("the consent form is refused without CSRF, after expiry, or for another user") {
  Browser browser;
  HttpResponse page = browser.SignIn(Browser::DashboardQuery());
  REQUIRE(page.status == 200);
  SECTION("no CSRF cookie") {
    browser.DropCookie("nauthera-csrf");
    HttpResponse answer = browser.AnswerConsent(page, "allow");
    CHECK(answer.status == 400);
    CHECK(answer.GetHeader("Location").empty());
  }
  SECTION("a forged csrf_token") {
    HttpResponse answer = browser.PostForm(
        "/oauth2/consent", absl::StrCat("csrf_token=", std::string(43, 'A'), "&request=",
                                        Browser::Hidden(page, "request"), "&decision=allow"));
    CHECK(answer.status == 400);
    CHECK(answer.GetHeader("Location").empty());
  }
  SECTION("the form expired") {
    browser.now_ += 16 * 60;
    CHECK(browser.AnswerConsent(page, "allow").status == 400);
  }
  SECTION("signed out meanwhile") {
    browser.DropCookie("nauthera-session");
    CHECK(browser.AnswerConsent(page, "allow").status == 400);
  }
  SECTION("someone else signed in meanwhile") {
    browser.DropCookie("nauthera-session");
    HttpResponse bob = browser.SignIn(Browser::KubectlQuery(), "bob");
    REQUIRE(bob.status == 303);
    HttpResponse answer = browser.AnswerConsent(page, "allow");
    CHECK(answer.status == 400);
    CHECK(answer.GetHeader("Location").empty());
  }
  SECTION("neither allow nor deny") {
    CHECK(browser.AnswerConsent(page, "maybe").status == 400);
  }
}

TEST_CASE("prompt values: lists are accepted, none with another value is invalid_request") {
  Browser browser;
  auto [prompt, error] = GENERATE(table<std::string, std::string>({
      {"none+login", "invalid_request"},
      {"none+consent", "invalid_request"},
      {"login+bogus", "invalid_request"},
      {"none", "login_required"},
  }));
  CAPTURE(prompt);
  HttpResponse response =
      browser.Get("/oauth2/authorize", Browser::DashboardQuery("&prompt=" + prompt));
  REQUIRE(response.status == 302);
  CHECK(Browser::QueryParam(response.GetHeader("Location"), "error") == error);
  CHECK(browser.Get("/oauth2/authorize", Browser::DashboardQuery("&prompt=login+consent"))
            .status == 200);
  CHECK(browser.Get("/oauth2/authorize", Browser::DashboardQuery("&prompt=select_account"))
            .status == 200);
}

TEST_CASE("discovery advertises prompt=consent and the end-session endpoint, which are done") {
  auto doc = nlohmann::json::parse(RenderDiscovery(*testing::TestSnapshot()));
  CHECK(doc["prompt_values_supported"] == nlohmann::json({"none", "login", "consent"}));
  CHECK(doc["end_session_endpoint"] == std::string(testing::kIssuer) + "/oauth2/logout");
  // Each advertised prompt value changes the answer of a signed-in browser.
  Browser browser;
  REQUIRE(browser.SignIn(Browser::KubectlQuery()).status == 303);
  CHECK(browser.Get("/oauth2/authorize", Browser::KubectlQuery()).status == 302);
  CHECK(browser.Get("/oauth2/authorize", Browser::KubectlQuery("&prompt=consent")).status == 200);
  HttpResponse login = browser.Get("/oauth2/authorize", Browser::KubectlQuery("&prompt=login"));
  CHECK_THAT(login.body, Catch::Contains("action=\"/oauth2/login\""));
}

}  // namespace nauthera
