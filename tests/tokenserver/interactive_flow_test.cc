// The interactive flow end to end through the Router, with an injected clock: authorize ->
// login page -> login -> code -> tokens -> refresh -> userinfo -> logout, and what must fail.
#include <catch2/catch.hpp>

#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"
#include "common/util/url.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/http/client_address.h"
#include "tokenserver/http/router.h"
#include "tokenserver/oauth/redirect_uri.h"
#include "tokenserver/store/memory_store.h"

namespace nauthera {
namespace {

using testing::kIssuer;
using testing::kPublicId;

constexpr char kRedirect[] = "http://localhost:8000";
constexpr char kVerifier[] = "dBjftJeZ4CVP-mJ0kzyZb-ReaDmE0Zm-ZsLEpcXa5oD5f7Yq8KfZm3oZ9xYp";

std::string Challenge(const std::string& verifier) { return Base64UrlEncode(Sha256(verifier)); }

class Flow {
 public:
  Flow() : snapshot_(testing::TestSnapshot()) {
    state_.Set(snapshot_);
    router_ = std::make_unique<Router>(&state_, &store_, &limiter_, [this] { return now_; });
  }

  HttpResponse Get(const std::string& path, const std::string& query,
                   const std::string& cookies = "") {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    request.remote_address = peer_;
    for (const auto& header : forwarded_) request.headers.push_back(header);
    if (!cookies.empty()) request.headers.emplace_back("cookie", cookies);
    return router_->Handle(request);
  }

  HttpResponse Send(const HttpRequest& request) { return router_->Handle(request); }

  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::string& cookies = "") {
    HttpRequest request = testing::TokenPost(body);
    request.path = path;
    request.remote_address = peer_;
    for (const auto& header : forwarded_) request.headers.push_back(header);
    if (!cookies.empty()) request.headers.emplace_back("cookie", cookies);
    return router_->Handle(request);
  }

  std::string AuthorizeQuery(const std::string& extra = "") {
    return absl::StrCat("response_type=code&client_id=", kPublicId,
                        "&redirect_uri=", FormUrlEncode(kRedirect),
                        "&scope=openid+email+profile+groups&state=xyz&nonce=n-0S6",
                        "&code_challenge_method=S256&code_challenge=", Challenge(kVerifier),
                        "&access_type=offline", extra);
  }

  // Shows the login page and submits it; returns the login response.
  HttpResponse Login(const std::string& username, const std::string& password,
                     const std::string& query = "") {
    HttpResponse page = Get("/oauth2/authorize", query.empty() ? AuthorizeQuery() : query);
    REQUIRE(page.status == 200);
    std::string set_cookie = page.GetHeader("Set-Cookie");
    if (!set_cookie.empty()) csrf_cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    std::string body = absl::StrCat("csrf_token=", FormUrlEncode(Hidden(page, "csrf_token")),
                                    "&request=", FormUrlEncode(Hidden(page, "request")),
                                    "&username=", FormUrlEncode(username),
                                    "&password=", FormUrlEncode(password));
    HttpResponse response = Post("/oauth2/login", body, csrf_cookie_);
    std::string session = response.GetHeader("Set-Cookie");
    if (!session.empty()) session_cookie_ = session.substr(0, session.find(';'));
    return response;
  }

  static std::string Hidden(const HttpResponse& page, const std::string& name) {
    std::smatch match;
    std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
    REQUIRE(std::regex_search(page.body, match, pattern));
    return match[1];
  }

  static std::string QueryParam(const std::string& location, const std::string& name) {
    auto url = ParseUrl(location);
    for (absl::string_view pair : absl::StrSplit(url->query, '&')) {
      if (pair.substr(0, pair.find('=')) == name) {
        auto value = FormUrlDecode(pair.substr(pair.find('=') + 1));
        return value.ok() ? *value : "";
      }
    }
    return "";
  }

  std::string CodeFromLogin() {
    HttpResponse response = Login("alice", testing::kUserPassword);
    REQUIRE(response.status == 303);
    return QueryParam(response.GetHeader("Location"), "code");
  }

  HttpResponse Exchange(const std::string& code, const std::string& verifier = kVerifier,
                        const std::string& client_id = kPublicId) {
    return Post("/oauth2/token",
                absl::StrCat("grant_type=authorization_code&code=", code,
                             "&redirect_uri=", FormUrlEncode(kRedirect), "&client_id=", client_id,
                             verifier.empty() ? "" : "&code_verifier=" + verifier));
  }

  HttpResponse Refresh(const std::string& token) {
    return Post("/oauth2/token", absl::StrCat("grant_type=refresh_token&refresh_token=", token,
                                              "&client_id=", kPublicId));
  }

  // --trusted-proxies for the router.
  void TrustProxies(const std::string& cidrs) {
    router_->set_trusted_proxies(*TrustedProxies::Parse(cidrs));
  }

  int64_t now_ = testing::kNow;
  std::string peer_ = "127.0.0.1";  // the TCP peer of every request
  std::vector<std::pair<std::string, std::string>> forwarded_;  // headers every request adds
  std::string csrf_cookie_;
  std::string session_cookie_;

 private:
  std::shared_ptr<const Snapshot> snapshot_;
  StateHolder state_;
  MemoryStore store_;
  LoginLimiter limiter_;
  std::unique_ptr<Router> router_;
};

nlohmann::json Claims(const std::string& jwt) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  return nlohmann::json::parse(*Base64UrlDecode(parts[1]));
}

std::string ErrorOf(const HttpResponse& response) {
  return nlohmann::json::parse(response.body).value("error", "");
}

}  // namespace

TEST_CASE("alice signs in with PKCE and gets ID, access and refresh tokens") {
  Flow flow;
  HttpResponse login = flow.Login("alice", testing::kUserPassword);
  REQUIRE(login.status == 303);
  std::string location = login.GetHeader("Location");
  CHECK(location.rfind("http://localhost:8000?code=", 0) == 0);
  CHECK(Flow::QueryParam(location, "state") == "xyz");
  CHECK(Flow::QueryParam(location, "iss") == kIssuer);  // RFC 9207
  CHECK_THAT(login.GetHeader("Set-Cookie"), Catch::Contains("HttpOnly") &&
                                                Catch::Contains("SameSite=Lax"));
  HttpResponse tokens = flow.Exchange(Flow::QueryParam(location, "code"));
  REQUIRE(tokens.status == 200);
  auto body = nlohmann::json::parse(tokens.body);
  REQUIRE(body.contains("refresh_token"));
  auto id = Claims(body["id_token"]);
  CHECK(id["iss"] == kIssuer);
  CHECK(id["aud"] == kPublicId);
  CHECK(id["azp"] == kPublicId);
  CHECK(id["sub"] == "subject-of-alice");
  CHECK(id["nonce"] == "n-0S6");
  CHECK(id["auth_time"] == testing::kNow);
  CHECK(id["email"] == "alice@example.com");
  CHECK(id["email_verified"] == true);
  CHECK(id["groups"] == nlohmann::json({"developers"}));
  CHECK(id["preferred_username"] == "alice");
  std::string at_hash = Base64UrlEncode(Sha256(body["access_token"].get<std::string>()).substr(0, 16));
  CHECK(id["at_hash"] == at_hash);
}

TEST_CASE("a second authorization within the session skips the password") {
  Flow flow;
  REQUIRE(flow.Login("alice", testing::kUserPassword).status == 303);
  HttpResponse again = flow.Get("/oauth2/authorize", flow.AuthorizeQuery(), flow.session_cookie_);
  CHECK(again.status == 302);
  CHECK_THAT(again.GetHeader("Location"), Catch::Contains("code="));
  HttpResponse forced =
      flow.Get("/oauth2/authorize", flow.AuthorizeQuery("&prompt=login"), flow.session_cookie_);
  CHECK(forced.status == 200);  // prompt=login shows the page again
  HttpResponse none = flow.Get("/oauth2/authorize", flow.AuthorizeQuery("&prompt=none"));
  CHECK(none.status == 302);
  CHECK_THAT(none.GetHeader("Location"), Catch::Contains("error=login_required"));
}

TEST_CASE("login failures: one generic message, and a lock per account and address") {
  Flow flow;
  for (const char* user : {"alice", "nobody", "carol"}) {
    CAPTURE(user);
    const char* password = std::string(user) == "alice" ? "wrong" : testing::kUserPassword;
    HttpResponse response = flow.Login(user, password);
    CHECK(response.status == 401);
    CHECK_THAT(response.body, Catch::Contains("Incorrect username or password."));
    CHECK(response.GetHeader("Location").empty());
  }
  for (int i = 0; i < 5; ++i) CHECK(flow.Login("bob", "wrong").status == 401);
  HttpResponse limited = flow.Login("bob", "wrong");
  CHECK(limited.status == 429);
  CHECK_THAT(limited.body, Catch::Contains("Too many attempts"));
  // The lock is bob's at this address only: bob elsewhere signs in.
  flow.peer_ = "127.0.0.2";
  CHECK(flow.Login("bob", testing::kUserPassword).status == 303);
  flow.peer_ = "127.0.0.1";
  CHECK(flow.Login("bob", testing::kUserPassword).status == 429);
  flow.now_ += 3600;  // forgotten after a quiet period
  CHECK(flow.Login("bob", testing::kUserPassword).status == 303);
}

TEST_CASE("the login page carries the security headers") {
  Flow flow;
  HttpResponse page = flow.Get("/oauth2/authorize", flow.AuthorizeQuery());
  REQUIRE(page.status == 200);
  CHECK(page.GetHeader("X-Frame-Options") == "DENY");
  CHECK(page.GetHeader("Referrer-Policy") == "no-referrer");
  CHECK_THAT(page.GetHeader("Content-Security-Policy"),
             Catch::Contains("frame-ancestors 'none'") && Catch::Contains("default-src 'none'"));
  CHECK_THAT(page.body, Catch::Contains("<label for=\"username\">"));
  CHECK_THAT(page.body, Catch::Contains("kubectl"));
}

TEST_CASE("a login post without the CSRF cookie is refused") {
  Flow flow;
  HttpResponse page = flow.Get("/oauth2/authorize", flow.AuthorizeQuery());
  std::string body = absl::StrCat("csrf_token=", FormUrlEncode(Flow::Hidden(page, "csrf_token")),
                                  "&request=", FormUrlEncode(Flow::Hidden(page, "request")),
                                  "&username=alice&password=", FormUrlEncode(testing::kUserPassword));
  HttpResponse response = flow.Post("/oauth2/login", body);  // no cookie
  CHECK(response.status == 400);
  CHECK(response.GetHeader("Set-Cookie").empty());
  CHECK(response.GetHeader("Location").empty());
}

TEST_CASE("authorization request errors before the redirect URI is trusted are never redirected") {
  Flow flow;
  auto query = GENERATE(as<std::string>{},
      "response_type=code&client_id=unknown&redirect_uri=http%3A%2F%2Flocalhost%3A8000",
      "response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A8000",
      "response_type=code&client_id=fedcba9876543210fedcba9876543210&redirect_uri=https%3A%2F%2Fevil.example",
      "response_type=code&client_id=fedcba9876543210fedcba9876543210&redirect_uri=http%3A%2F%2Flocalhost%3A8001",
      "response_type=code&client_id=fedcba9876543210fedcba9876543210",
      "client_id=a&client_id=b");
  CAPTURE(query);
  HttpResponse response = flow.Get("/oauth2/authorize", query);
  CHECK(response.status == 400);
  CHECK(response.GetHeader("Location").empty());
}

TEST_CASE("authorization request errors after it are redirected with error, state and iss") {
  Flow flow;
  std::string base = absl::StrCat("client_id=", kPublicId, "&redirect_uri=",
                                  FormUrlEncode(kRedirect), "&state=s1");
  auto [extra, error] = GENERATE(table<std::string, std::string>({
      {"&response_type=token&scope=openid", "unsupported_response_type"},
      {"&response_type=code&scope=openid", "invalid_request"},  // PKCE required, none sent
      {"&response_type=code&scope=openid&code_challenge_method=plain&code_challenge=" +
           std::string(43, 'a'),
       "invalid_request"},
      {"&response_type=code&scope=openid&code_challenge_method=S256&code_challenge=short",
       "invalid_request"},
      {"&response_type=code&code_challenge_method=S256&code_challenge=" + Challenge(kVerifier) +
           "&scope=openid+admin",
       "invalid_scope"},
  }));
  CAPTURE(extra);
  HttpResponse response = flow.Get("/oauth2/authorize", base + extra);
  REQUIRE(response.status == 302);
  std::string location = response.GetHeader("Location");
  CHECK(Flow::QueryParam(location, "error") == error);
  CHECK(Flow::QueryParam(location, "state") == "s1");
  CHECK(Flow::QueryParam(location, "iss") == kIssuer);
}

TEST_CASE("loopback IP redirect URIs match on any port (RFC 8252 §7.3)") {
  Flow flow;
  std::string query = absl::StrCat("response_type=code&client_id=", testing::kWebId,
                                   "&redirect_uri=", FormUrlEncode("http://127.0.0.1:54321/callback"),
                                   "&scope=openid");
  CHECK(flow.Get("/oauth2/authorize", query).status == 200);
}

TEST_CASE("code exchange failures are invalid_grant and issue nothing") {
  Flow flow;
  SECTION("missing verifier") { CHECK(ErrorOf(flow.Exchange(flow.CodeFromLogin(), "")) == "invalid_grant"); }
  SECTION("wrong verifier") {
    CHECK(ErrorOf(flow.Exchange(flow.CodeFromLogin(), std::string(50, 'x'))) == "invalid_grant");
  }
  SECTION("expired code") {
    std::string code = flow.CodeFromLogin();
    flow.now_ += 61;
    CHECK(ErrorOf(flow.Exchange(code)) == "invalid_grant");
  }
  SECTION("code of another client") {
    std::string code = flow.CodeFromLogin();
    HttpRequest request = testing::TokenPost(
        absl::StrCat("grant_type=authorization_code&code=", code, "&redirect_uri=",
                     FormUrlEncode(kRedirect), "&code_verifier=", kVerifier));
    request.headers.emplace_back(
        "authorization",
        "Basic " + Base64Encode(absl::StrCat(testing::kWebId, ":", testing::kWebSecret)));
    HttpResponse response = flow.Send(request);
    CHECK(ErrorOf(response) == "invalid_grant");
  }
  SECTION("replayed code revokes the refresh token it produced") {
    std::string code = flow.CodeFromLogin();
    HttpResponse first = flow.Exchange(code);
    REQUIRE(first.status == 200);
    std::string refresh = nlohmann::json::parse(first.body)["refresh_token"];
    HttpResponse replay = flow.Exchange(code);
    CHECK(replay.status == 400);
    CHECK(ErrorOf(replay) == "invalid_grant");
    CHECK(ErrorOf(flow.Refresh(refresh)) == "invalid_grant");
  }
}

TEST_CASE("refresh rotates, tolerates parallel reuse briefly, and revokes the family after") {
  Flow flow;
  HttpResponse tokens = flow.Exchange(flow.CodeFromLogin());
  std::string first = nlohmann::json::parse(tokens.body)["refresh_token"];
  flow.now_ += 5;
  HttpResponse a = flow.Refresh(first);
  REQUIRE(a.status == 200);
  auto a_body = nlohmann::json::parse(a.body);
  CHECK(a_body.contains("id_token"));  // every refresh carries a new ID token
  CHECK(Claims(a_body["id_token"])["auth_time"] == testing::kNow);
  std::string second = a_body["refresh_token"];
  CHECK(second != first);
  HttpResponse b = flow.Refresh(first);  // a parallel kubectl with the same token
  REQUIRE(b.status == 200);
  CHECK(nlohmann::json::parse(b.body)["refresh_token"] == second);
  flow.now_ += 60;  // outside the grace window
  CHECK(ErrorOf(flow.Refresh(first)) == "invalid_grant");
  CHECK(ErrorOf(flow.Refresh(second)) == "invalid_grant");  // the whole family is gone
}

TEST_CASE("userinfo answers with the claims of the token's scopes, and RFC 6750 errors") {
  Flow flow;
  auto body = nlohmann::json::parse(flow.Exchange(flow.CodeFromLogin()).body);
  std::string token = body["access_token"];
  auto call = [&](const std::string& authorization) {
    HttpRequest request;
    request.method = "GET";
    request.path = "/oauth2/userinfo";
    if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
    return flow.Send(request);
  };
  HttpResponse ok = call("Bearer " + token);
  REQUIRE(ok.status == 200);
  auto claims = nlohmann::json::parse(ok.body);
  CHECK(claims["sub"] == "subject-of-alice");
  CHECK(claims["email"] == "alice@example.com");
  CHECK(claims["groups"] == nlohmann::json({"developers"}));
  HttpResponse none = call("");
  CHECK(none.status == 401);
  CHECK(none.GetHeader("WWW-Authenticate") == "Bearer realm=\"nauthera\"");
  std::string tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {"Bearer " + tampered, std::string("Bearer x.y.z"),
                                 "Bearer " + body["id_token"].get<std::string>()}) {
    CAPTURE(bad);
    HttpResponse response = call(bad);
    CHECK(response.status == 401);
    CHECK_THAT(response.GetHeader("WWW-Authenticate"), Catch::Contains("invalid_token"));
  }
  flow.now_ += 3600;  // expired
  CHECK(call("Bearer " + token).status == 401);
}

TEST_CASE("logout refuses an unregistered URI and, without id_token_hint, asks first") {
  Flow flow;
  REQUIRE(flow.Login("alice", testing::kUserPassword).status == 303);
  HttpResponse bad = flow.Get("/oauth2/logout",
                              absl::StrCat("client_id=", kPublicId,
                                           "&post_logout_redirect_uri=https%3A%2F%2Fevil.example"));
  CHECK(bad.status == 400);
  CHECK(bad.GetHeader("Location").empty());
  // RP-Initiated Logout §2, §3: client_id is no proof; the user confirms, and there is no
  // redirect without an id_token_hint (tests/tokenserver/logout_test.cc has the rest).
  HttpResponse good = flow.Get(
      "/oauth2/logout", absl::StrCat("client_id=", kPublicId, "&state=bye&post_logout_redirect_uri=",
                                     FormUrlEncode("http://localhost:8000/signed-out")),
      flow.session_cookie_);
  CHECK(good.status == 200);
  CHECK(good.GetHeader("Location").empty());
  CHECK_THAT(good.body, Catch::Contains("Sign out?"));
  CHECK_THAT(good.GetHeader("Set-Cookie"), !Catch::Contains("nauthera-session="));
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("redirect URIs: an empty path and / are one URI; nothing else is normalised") {
  google::protobuf::RepeatedPtrField<std::string> registered;
  registered.Add("http://localhost:8000");
  registered.Add("https://app.example.com/cb");
  registered.Add("http://127.0.0.1/callback");
  auto [uri, ok] = GENERATE(table<std::string, bool>({
      {"http://localhost:8000", true},
      {"http://localhost:8000/", true},   // openid-client's form of the same URI
      {"http://localhost:8000//", false},
      {"http://localhost:8000/x", false},
      {"http://localhost:8001/", false},  // localhost is not a loopback IP literal: exact port
      {"https://app.example.com/cb", true},
      {"https://app.example.com/cb/", false},
      {"https://app.example.com/CB", false},
      {"https://app.example.com/cb?x=1", false},
      {"https://app.example.com/cb#f", false},
      {"http://127.0.0.1:49152/callback", true},  // RFC 8252 §7.3: any port
      {"http://127.0.0.1:49152/other", false},
  }));
  CAPTURE(uri);
  CHECK(RedirectUriMatches(registered, uri) == ok);
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("an over-long username or password is refused before any work, and not echoed") {
  Flow flow;
  std::string long_name(15 * 1024, 'u');
  HttpResponse response = flow.Login(long_name, testing::kUserPassword);
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Catch::Contains("Usernames are at most 256 bytes"));
  CHECK(response.body.find(std::string(300, 'u')) == std::string::npos);
  HttpResponse long_password = flow.Login("alice", std::string(2000, 'p'));
  CHECK(long_password.status == 400);
  CHECK_THAT(long_password.body, Catch::Contains("passwords at most 1024 bytes"));
  // Refused at the door, not counted: even many of them do not hold alice up.
  for (int i = 0; i < 30; ++i) REQUIRE(flow.Login(long_name, "x").status == 400);
  CHECK(flow.Login("alice", testing::kUserPassword).status == 303);
}

TEST_CASE("behind a trusted proxy, other people's failures never refuse alice's password") {
  Flow flow;
  flow.TrustProxies("10.0.0.0/8, fd00::/8");
  flow.peer_ = "10.1.2.3";  // every request arrives from the Ingress
  // An attacker behind the same proxy: random usernames, empty and wrong passwords.
  flow.forwarded_ = {{"x-forwarded-for", "203.0.113.66"}};
  for (int i = 0; i < 25; ++i) {
    flow.Login(absl::StrCat("random-", i), i % 2 ? "" : "guess");
  }
  for (int i = 0; i < 8; ++i) flow.Login("alice", "guess");
  CHECK(flow.Login("alice", "guess").status == 429);  // the attacker is held back
  // Alice, at her own address through the same proxy (and through an IPv6 one).
  flow.forwarded_ = {{"x-forwarded-for", "198.51.100.7"}};
  CHECK(flow.Login("alice", testing::kUserPassword).status == 303);
  flow.peer_ = "fd00::5";
  flow.forwarded_ = {{"forwarded", "for=\"[2001:db8::7]:4711\";proto=https"}};
  CHECK(flow.Login("alice", testing::kUserPassword).status == 303);
}

TEST_CASE("forwarded headers from an untrusted peer are ignored: the peer is throttled") {
  Flow flow;
  flow.TrustProxies("10.0.0.0/8");
  flow.peer_ = "192.0.2.50";  // not a trusted proxy
  for (int i = 0; i < 20; ++i) {
    flow.forwarded_ = {{"x-forwarded-for", absl::StrCat("198.51.100.", i)}};
    REQUIRE(flow.Login(absl::StrCat("random-", i), "guess").status == 401);
  }
  flow.forwarded_ = {{"x-forwarded-for", "198.51.100.200"}};
  CHECK(flow.Login("alice", testing::kUserPassword).status == 429);
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("userinfo takes the access token from a form-encoded POST body, never from both") {
  Flow flow;
  auto body = nlohmann::json::parse(flow.Exchange(flow.CodeFromLogin()).body);
  std::string token = body["access_token"];
  auto post = [&](const std::string& content_type, const std::string& form,
                  const std::string& authorization) {
    HttpRequest request;
    request.method = "POST";
    request.path = "/oauth2/userinfo";
    if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
    if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
    request.body = form;
    return flow.Send(request);
  };
  constexpr char kForm[] = "application/x-www-form-urlencoded";
  auto [name, content_type, form, authorization, status, error] =
      GENERATE_COPY(table<std::string, std::string, std::string, std::string, int, std::string>({
          {"RFC 6750 §2.2 body", kForm, "access_token=" + token, "", 200, ""},
          {"body with a charset", std::string(kForm) + "; charset=UTF-8",
           "access_token=" + token, "", 200, ""},
          {"header only, empty form body", kForm, "", "Bearer " + token, 200, ""},
          {"both header and body (§2: one method)", kForm, "access_token=" + token,
           "Bearer " + token, 400, "invalid_request"},
          {"body that is not form-encoded", "application/json",
           "{\"access_token\":\"" + token + "\"}", "", 401, ""},
          {"repeated access_token", kForm, "access_token=" + token + "&access_token=x", "", 400,
           "invalid_request"},
          {"a forged token in the body", kForm, "access_token=x.y.z", "", 401, "invalid_token"},
      }));
  CAPTURE(name);
  HttpResponse response = post(content_type, form, authorization);
  CHECK(response.status == status);
  if (status == 200) {
    CHECK(nlohmann::json::parse(response.body)["sub"] == "subject-of-alice");
  } else if (error.empty()) {
    CHECK(response.GetHeader("WWW-Authenticate") == "Bearer realm=\"nauthera\"");
  } else {
    CHECK_THAT(response.GetHeader("WWW-Authenticate"),
               Catch::Contains("error=\"" + error + "\""));
  }
}

}  // namespace nauthera
