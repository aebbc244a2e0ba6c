#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace nauthera {
namespace {

// A token signed with the test snapshot's key under any header and claims we choose.
std::string Token(const nlohmann::json& header, const nlohmann::json& claims) {
  auto key = RsaKey::FromPrivatePem(testing::TestKeyPem());
  REQUIRE(key.ok());
  std::string input = absl::StrCat(Base64UrlEncode(header.dump()), ".",
                                   Base64UrlEncode(claims.dump()));
  auto signature = (*key)->SignRs256(input);
  REQUIRE(signature.ok());
  return absl::StrCat(input, ".", Base64UrlEncode(*signature));
}

nlohmann::json Header() {
  auto key = RsaKey::FromPrivatePem(testing::TestKeyPem());
  return {{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", (*key)->Thumbprint()}};
}

nlohmann::json Claims() {
  return {{"iss", testing::kIssuer}, {"sub", "s"}, {"exp", testing::kNow + 600},
          {"iat", testing::kNow}};
}

}  // namespace

TEST_CASE("a JWT whose header or claims are malformed is refused, never thrown on") {
  auto snapshot = testing::TestSnapshot();
  JwtExpectations expect{"at+jwt", false};
  REQUIRE(VerifyJwt(*snapshot, Token(Header(), Claims()), expect, testing::kNow).ok());

  auto [name, change] = GENERATE(table<std::string, std::function<void(nlohmann::json*, nlohmann::json*)>>({
      {"alg a number", [](nlohmann::json* h, nlohmann::json*) { (*h)["alg"] = 256; }},
      {"alg an object", [](nlohmann::json* h, nlohmann::json*) { (*h)["alg"] = {{"a", 1}}; }},
      {"kid a number", [](nlohmann::json* h, nlohmann::json*) { (*h)["kid"] = 7; }},
      {"typ an array", [](nlohmann::json* h, nlohmann::json*) { (*h)["typ"] = {1, 2}; }},
      {"crit present (RFC 7515 §4.1.11)",
       [](nlohmann::json* h, nlohmann::json*) { (*h)["crit"] = {"exp"}; }},
      {"nbf in the future (RFC 7519 §4.1.5)",
       [](nlohmann::json*, nlohmann::json* c) { (*c)["nbf"] = testing::kNow + 60; }},
      {"nbf not a number", [](nlohmann::json*, nlohmann::json* c) { (*c)["nbf"] = "soon"; }},
  }));
  CAPTURE(name);
  nlohmann::json header = Header(), claims = Claims();
  change(&header, &claims);
  absl::StatusOr<nlohmann::json> result = absl::UnknownError("not run");
  REQUIRE_NOTHROW(result = VerifyJwt(*snapshot, Token(header, claims), expect, testing::kNow));
  CHECK_FALSE(result.ok());
}

TEST_CASE("a JWT whose nbf has passed is accepted") {
  auto snapshot = testing::TestSnapshot();
  nlohmann::json claims = Claims();
  claims["nbf"] = testing::kNow;
  CHECK(VerifyJwt(*snapshot, Token(Header(), claims), {"at+jwt", false}, testing::kNow).ok());
}

}  // namespace nauthera
