// /oauth2/authorize and request objects (OIDC Core §6, §3.1.2.6): `request` and `request_uri`
// are refused with their own error codes, sent back to a trusted redirect URI with state.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"
#include "common/util/url.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/router_flow.h"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/oauth/form.h"

namespace nauthera {
namespace {

// An unsigned request object (alg none) carrying state and nonce, as the OpenID conformance
// suite sends it.
std::string UnsignedRequestObject() {
  return absl::StrCat(Base64UrlEncode(R"({"alg":"none"})"), ".",
                      Base64UrlEncode(R"({"state":"inner","nonce":"n"})"), ".");
}

std::string Param(const std::string& location, const std::string& name) {
  auto url = ParseUrl(location);
  if (!url.ok()) return "";
  for (absl::string_view pair : absl::StrSplit(url->query, '&')) {
    if (pair.substr(0, pair.find('=')) != name) continue;
    auto value = FormUrlDecode(pair.substr(pair.find('=') + 1));
    return value.ok() ? *value : "";
  }
  return "";
}

std::string Query(const std::string& redirect_uri, const std::string& extra) {
  return absl::StrCat("response_type=code&client_id=", testing::kPublicId,
                      "&redirect_uri=", FormUrlEncode(redirect_uri),
                      "&scope=openid&state=s-42&code_challenge_method=S256&code_challenge=",
                      Base64UrlEncode(Sha256(testing::kVerifier)), extra);
}

}  // namespace

TEST_CASE("authorize refuses request and request_uri, back to the client with state") {
  auto [name, extra, error] = GENERATE(table<std::string, std::string, std::string>({
      {"request object", "&request=" + UnsignedRequestObject(), "request_not_supported"},
      {"request_uri", "&request_uri=" + FormUrlEncode("https://rp.example/req.jwt"),
       "request_uri_not_supported"},
      {"request_uri urn", "&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc",
       "request_uri_not_supported"},
  }));
  CAPTURE(name);
  testing::RouterFlow flow;
  HttpResponse response = flow.Get("/oauth2/authorize", Query(testing::kKubectlRedirect, extra));
  REQUIRE(response.status == 302);
  std::string location = response.GetHeader("Location");
  CHECK(location.rfind(std::string(testing::kKubectlRedirect) + "?", 0) == 0);
  CHECK(Param(location, "error") == error);
  CHECK(Param(location, "state") == "s-42");  // the request's own state, kept
  CHECK(Param(location, "iss") == testing::kIssuer);
  CHECK(Param(location, "code").empty());
}

TEST_CASE("authorize with a request object and an untrusted redirect shows the error page") {
  auto redirect = GENERATE(as<std::string>{}, "https://evil.example/cb", "http://localhost:8001");
  CAPTURE(redirect);
  testing::RouterFlow flow;
  HttpResponse response =
      flow.Get("/oauth2/authorize", Query(redirect, "&request=" + UnsignedRequestObject()));
  CHECK(response.status == 400);
  CHECK(response.GetHeader("Location").empty());
  CHECK_THAT(response.GetHeader("Content-Type"), Catch::Contains("text/html"));
}

TEST_CASE("discovery says request objects are not supported (OIDC Discovery §3)") {
  auto doc = nlohmann::json::parse(RenderDiscovery(*testing::TestSnapshot()));
  CHECK(doc["request_parameter_supported"] == false);
  CHECK(doc["request_uri_parameter_supported"] == false);  // its default is true
}

}  // namespace nauthera
