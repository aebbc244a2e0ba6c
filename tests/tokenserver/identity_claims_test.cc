// Which identity claims a scope releases (tokens/identity_claims.h): the one function behind
// userinfo, the ID token and access tokens.
#include <catch2/catch.hpp>

#include "tokenserver/tokens/identity_claims.h"

namespace nauthera {
namespace {

v1::User Alice() {
  v1::User user;
  user.set_username("alice");
  user.set_email("alice@example.com");
  user.set_display_name("Alice Smith");
  auto& profile = *user.mutable_profile_claims();
  profile["given_name"] = "Alice";
  profile["family_name"] = "Smith";
  profile["nickname"] = "Al";
  profile["picture"] = "https://img.example/alice.png";
  profile["locale"] = "en-GB";
  profile["zoneinfo"] = "Europe/London";
  return user;
}

TEST_CASE("profile claims a NautheraUser holds are released with the profile scope only "
          "(OIDC Core §5.4)") {
  auto [scopes, released, withheld] =
      GENERATE(table<std::vector<std::string>, std::vector<std::string>,
                     std::vector<std::string>>({
          {{"openid"}, {}, {"given_name", "family_name", "locale", "picture", "name"}},
          {{"openid", "email"}, {"email"}, {"given_name", "locale", "picture", "nickname"}},
          {{"openid", "profile"},
           {"name", "preferred_username", "given_name", "family_name", "nickname", "picture",
            "locale", "zoneinfo"},
           {"email", "middle_name", "website"}},  // the last two: not set, so absent
      }));
  CAPTURE(scopes);
  nlohmann::ordered_json claims;
  AddIdentityClaims(v1::EffectivePolicy(), scopes, UserIdentity(Alice()), &claims);
  CAPTURE(claims.dump());
  for (const std::string& claim : released) {
    CAPTURE(claim);
    CHECK(claims.contains(claim));
  }
  for (const std::string& claim : withheld) {
    CAPTURE(claim);
    CHECK_FALSE(claims.contains(claim));
  }
  if (claims.contains("given_name")) {
    CHECK(claims["given_name"] == "Alice");
    CHECK(claims["locale"] == "en-GB");
  }
}

TEST_CASE("a policy's scopeClaims can map a profile claim to another scope") {
  v1::EffectivePolicy policy;
  (*policy.mutable_scope_claims())["hr"].add_claims("family_name");
  nlohmann::ordered_json claims;
  AddIdentityClaims(policy, {"openid", "hr"}, UserIdentity(Alice()), &claims);
  CHECK(claims == nlohmann::ordered_json({{"family_name", "Smith"}}));
}

}  // namespace
}  // namespace nauthera
