#include "tests/tokenserver/browser_flow.h"

#include <regex>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"
#include "common/util/url.h"
#include "nlohmann/json.hpp"
#include "tokenserver/oauth/form.h"

namespace nauthera::testing {

Browser::Browser(v1::State state) {
  auto snapshot = Snapshot::Create(state);
  if (!snapshot.ok()) throw std::runtime_error(std::string(snapshot.status().message()));
  snapshot_ = *snapshot;
  state_.Set(snapshot_);
  router_ = std::make_unique<Router>(&state_, &store_, &limiter_, [this] { return now_; });
}

HttpResponse Browser::Send(HttpRequest request) {
  request.remote_address = "127.0.0.1";
  std::vector<std::string> pairs;
  for (const auto& [name, value] : jar_) pairs.push_back(absl::StrCat(name, "=", value));
  if (!pairs.empty()) request.headers.emplace_back("cookie", absl::StrJoin(pairs, "; "));
  HttpResponse response = router_->Handle(request);
  for (const auto& [header, value] : response.headers) {
    if (!absl::EqualsIgnoreCase(header, "set-cookie")) continue;
    std::string pair = value.substr(0, value.find(';'));
    std::string name = pair.substr(0, pair.find('='));
    std::string cookie = pair.substr(pair.find('=') + 1);
    if (absl::StrContains(value, "Max-Age=0") || cookie.empty()) {
      jar_.erase(name);
    } else {
      jar_[name] = cookie;
    }
  }
  return response;
}

HttpResponse Browser::Get(const std::string& path, const std::string& query) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.query = query;
  return Send(request);
}

HttpResponse Browser::PostForm(const std::string& path, const std::string& body) {
  HttpRequest request = TokenPost(body);
  request.path = path;
  return Send(request);
}

std::string Browser::Cookie(const std::string& name) const {
  auto it = jar_.find(name);
  return it == jar_.end() ? "" : it->second;
}

std::string Browser::KubectlQuery(const std::string& extra, const std::string& scope) {
  return absl::StrCat("response_type=code&client_id=", kPublicId,
                      "&redirect_uri=", FormUrlEncode("http://localhost:8000"), "&scope=", scope,
                      "&state=st-1&nonce=n-1",
                      "&code_challenge_method=S256&code_challenge=",
                      Base64UrlEncode(Sha256(kBrowserVerifier)), extra);
}

std::string Browser::DashboardQuery(const std::string& extra) {
  return absl::StrCat("response_type=code&client_id=", kWebId,
                      "&redirect_uri=", FormUrlEncode("https://dashboard.example.com/callback"),
                      "&scope=openid+email&state=st-2&nonce=n-2", extra);
}

HttpResponse Browser::SignIn(const std::string& query, const std::string& username) {
  HttpResponse page = Get("/oauth2/authorize", query);
  REQUIRE(page.status == 200);
  REQUIRE(HasHidden(page, "csrf_token"));
  return PostForm("/oauth2/login",
                  absl::StrCat("csrf_token=", FormUrlEncode(Hidden(page, "csrf_token")),
                               "&request=", FormUrlEncode(Hidden(page, "request")),
                               "&username=", FormUrlEncode(username),
                               "&password=", FormUrlEncode(kUserPassword)));
}

HttpResponse Browser::AnswerConsent(const HttpResponse& page, const std::string& decision) {
  return PostForm("/oauth2/consent",
                  absl::StrCat("csrf_token=", FormUrlEncode(Hidden(page, "csrf_token")),
                               "&request=", FormUrlEncode(Hidden(page, "request")),
                               "&decision=", decision));
}

std::string Browser::KubectlIdToken() {
  HttpResponse answer = Cookie("nauthera-session").empty()
                            ? SignIn(KubectlQuery())
                            : Get("/oauth2/authorize", KubectlQuery());
  REQUIRE((answer.status == 302 || answer.status == 303));
  std::string code = QueryParam(answer.GetHeader("Location"), "code");
  REQUIRE(!code.empty());
  HttpResponse tokens = PostForm(
      "/oauth2/token",
      absl::StrCat("grant_type=authorization_code&code=", code,
                   "&redirect_uri=", FormUrlEncode("http://localhost:8000"),
                   "&client_id=", kPublicId, "&code_verifier=", kBrowserVerifier));
  REQUIRE(tokens.status == 200);
  return nlohmann::json::parse(tokens.body)["id_token"].get<std::string>();
}

bool Browser::HasHidden(const HttpResponse& page, const std::string& name) {
  return std::regex_search(page.body, std::regex("name=\"" + name + "\" value=\"[^\"]*\""));
}

std::string Browser::Hidden(const HttpResponse& page, const std::string& name) {
  std::smatch match;
  std::regex pattern("name=\"" + name + "\" value=\"([^\"]*)\"");
  REQUIRE(std::regex_search(page.body, match, pattern));
  return match[1];
}

std::string Browser::QueryParam(const std::string& location, const std::string& name) {
  auto url = ParseUrl(location);
  if (!url.ok()) return "";
  for (absl::string_view pair : absl::StrSplit(url->query, '&')) {
    if (pair.substr(0, pair.find('=')) == name) {
      auto value = FormUrlDecode(pair.substr(pair.find('=') + 1));
      return value.ok() ? *value : "";
    }
  }
  return "";
}

}  // namespace nauthera::testing
