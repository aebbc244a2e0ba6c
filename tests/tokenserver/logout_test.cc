// RP-Initiated Logout 1.0 (§2, §3): a valid id_token_hint for the signed-in user ends the
// session at once; anything else asks the user first, with a CSRF-protected form; the
// post-logout redirect only to a URI registered for the client the hint names.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/util/url.h"
#include "tests/tokenserver/browser_flow.h"
#include "tests/tokenserver/test_state.h"

namespace nauthera {
namespace {

using testing::Browser;
using testing::kPublicId;

constexpr char kSignedOut[] = "http://localhost:8000/signed-out";

std::string Registered(const std::string& extra = "") {
  return absl::StrCat("post_logout_redirect_uri=", FormUrlEncode(kSignedOut), "&state=bye",
                      extra);
}

bool EndsSession(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "Set-Cookie" && value.rfind("nauthera-session=;", 0) == 0) return true;
  }
  return false;
}

HttpResponse Confirm(Browser& browser, const HttpResponse& page) {
  return browser.PostForm("/oauth2/logout",
                          absl::StrCat("csrf_token=", Browser::Hidden(page, "csrf_token"),
                                       "&logout=", Browser::Hidden(page, "logout")));
}

}  // namespace

TEST_CASE("logout without id_token_hint asks first; a GET alone never ends the session") {
  Browser browser;
  REQUIRE(browser.SignIn(Browser::KubectlQuery()).status == 303);
  std::string query = GENERATE(as<std::string>{}, "", "client_id=fedcba9876543210fedcba9876543210",
                               "id_token_hint=not.a.token", "state=s");
  CAPTURE(query);
  HttpResponse page = browser.Get("/oauth2/logout", query);
  CHECK(page.status == 200);
  CHECK_FALSE(EndsSession(page));
  CHECK(page.GetHeader("Location").empty());
  CHECK_THAT(page.body, Catch::Contains("Sign out?") && Catch::Contains("alice") &&
                            Catch::Contains("method=\"post\" action=\"/oauth2/logout\""));
  CHECK_THAT(page.body, !Catch::Contains("<script"));
  CHECK(page.GetHeader("X-Frame-Options") == "DENY");
  CHECK_FALSE(browser.Cookie("nauthera-session").empty());
  // Still signed in: the next authorization needs no password.
  CHECK(browser.Get("/oauth2/authorize", Browser::KubectlQuery()).status == 302);
  // Confirmed: signed out, and the "signed out" page (no redirect without a hint).
  HttpResponse done = Confirm(browser, page);
  CHECK(done.status == 200);
  CHECK(EndsSession(done));
  CHECK_THAT(done.body, Catch::Contains("You are signed out"));
  CHECK(browser.Cookie("nauthera-session").empty());
  CHECK(browser.Get("/oauth2/authorize", Browser::KubectlQuery()).status == 200);  // login page
}

TEST_CASE("the logout confirmation is refused without its CSRF token or after expiry") {
  Browser browser;
  REQUIRE(browser.SignIn(Browser::KubectlQuery()).status == 303);
  HttpResponse page = browser.Get("/oauth2/logout", "");
  REQUIRE(page.status == 200);
  SECTION("no CSRF cookie (a cross-site post)") { browser.DropCookie("nauthera-csrf"); }
  SECTION("expired") { browser.now_ += 16 * 60; }
  SECTION("forged token") {
    HttpResponse forged = browser.PostForm(
        "/oauth2/logout", absl::StrCat("csrf_token=", std::string(43, 'A'),
                                       "&logout=", Browser::Hidden(page, "logout")));
    CHECK(forged.status == 400);
    CHECK_FALSE(EndsSession(forged));
    return;
  }
  HttpResponse answer = Confirm(browser, page);
  CHECK(answer.status == 400);
  CHECK_FALSE(EndsSession(answer));
  CHECK_FALSE(browser.Cookie("nauthera-session").empty());
}

TEST_CASE("logout with a valid id_token_hint ends the session and returns to the client") {
  Browser browser;
  std::string hint = browser.KubectlIdToken();
  SECTION("with a registered post_logout_redirect_uri: there, with state") {
    HttpResponse out = browser.Get("/oauth2/logout", Registered("&id_token_hint=" + hint));
    CHECK(out.status == 302);
    CHECK(out.GetHeader("Location") == std::string(kSignedOut) + "?state=bye");
    CHECK(EndsSession(out));
  }
  SECTION("an expired hint is still a hint (§2)") {
    browser.now_ += 3 * 3600;
    HttpResponse out = browser.Get("/oauth2/logout", Registered("&id_token_hint=" + hint));
    CHECK(out.status == 302);
    CHECK(EndsSession(out));
  }
  SECTION("without one: the signed-out page") {
    HttpResponse out = browser.Get("/oauth2/logout", "id_token_hint=" + hint);
    CHECK(out.status == 200);
    CHECK(EndsSession(out));
    CHECK_THAT(out.body, Catch::Contains("You are signed out"));
  }
  SECTION("by POST, as §2 allows") {
    HttpResponse out = browser.PostForm("/oauth2/logout", "id_token_hint=" + hint);
    CHECK(out.status == 200);
    CHECK(EndsSession(out));
  }
  CHECK(browser.Cookie("nauthera-session").empty());
}

TEST_CASE("post_logout_redirect_uri is followed only when registered and the hint names the client") {
  Browser browser;
  std::string hint = browser.KubectlIdToken();
  SECTION("client_id alone: asked, then the signed-out page, never the redirect") {
    HttpResponse page =
        browser.Get("/oauth2/logout", Registered(absl::StrCat("&client_id=", kPublicId)));
    REQUIRE(page.status == 200);
    CHECK_FALSE(EndsSession(page));
    HttpResponse done = Confirm(browser, page);
    CHECK(done.status == 200);
    CHECK(done.GetHeader("Location").empty());
    CHECK(EndsSession(done));
  }
  SECTION("an unregistered URI is an error page, even with a hint") {
    HttpResponse bad = browser.Get(
        "/oauth2/logout", absl::StrCat("post_logout_redirect_uri=https%3A%2F%2Fevil.example",
                                       "&id_token_hint=", hint));
    CHECK(bad.status == 400);
    CHECK(bad.GetHeader("Location").empty());
    CHECK_FALSE(EndsSession(bad));
  }
  SECTION("a URI without any client") {
    CHECK(browser.Get("/oauth2/logout", Registered()).status == 400);
  }
  SECTION("client_id that is not the hint's audience") {
    HttpResponse bad = browser.Get(
        "/oauth2/logout", absl::StrCat("client_id=", testing::kWebId, "&id_token_hint=", hint));
    CHECK(bad.status == 400);
    CHECK_FALSE(EndsSession(bad));
  }
}

TEST_CASE("a hint for another user than the one signed in asks first") {
  Browser browser;
  std::string alices = browser.KubectlIdToken();
  browser.DropCookie("nauthera-session");
  REQUIRE(browser.SignIn(Browser::KubectlQuery(), "bob").status == 303);
  HttpResponse page = browser.Get("/oauth2/logout", Registered("&id_token_hint=" + alices));
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("bob"));
  CHECK_FALSE(EndsSession(page));
  // Confirmed: the hint named the client, so the registered redirect follows.
  HttpResponse done = Confirm(browser, page);
  CHECK(done.status == 302);
  CHECK(done.GetHeader("Location") == std::string(kSignedOut) + "?state=bye");
  CHECK(EndsSession(done));
}

TEST_CASE("logout with nobody signed in needs no confirmation") {
  Browser browser;
  HttpResponse out = browser.Get("/oauth2/logout", "");
  CHECK(out.status == 200);
  CHECK_THAT(out.body, Catch::Contains("You are signed out"));
}

}  // namespace nauthera
