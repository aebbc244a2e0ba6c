#include <catch2/catch.hpp>

#include "tokenserver/oauth/form.h"

namespace nauthera {

TEST_CASE("form bodies decode percent-escapes and plus signs") {
  auto form = Form::Parse("grant_type=client_credentials&scope=openid+email%20groups&x=a%2Bb");
  REQUIRE(form.ok());
  CHECK(form->Get("grant_type") == "client_credentials");
  CHECK(form->Get("scope") == "openid email groups");
  CHECK(form->Get("x") == "a+b");
  CHECK(form->Get("absent").empty());
}

TEST_CASE("a parameter sent without a value counts as omitted (RFC 6749 §3.1)") {
  auto form = Form::Parse("scope=&grant_type");
  REQUIRE(form.ok());
  CHECK_FALSE(form->Has("scope"));
  CHECK_FALSE(form->Has("grant_type"));
}

TEST_CASE("form parsing refuses duplicates and broken escapes") {
  auto [body, fragment] = GENERATE(table<std::string, std::string>({
      {"a=1&a=2", "\"a\" is repeated"},
      {"scope=x&grant_type=y&scope=x", "\"scope\" is repeated"},
      {"a=%", "percent"},
      {"a=%4", "percent"},
      {"a=%zz", "percent"},
      {"%g1=x", "percent"},
  }));
  CAPTURE(body);
  auto form = Form::Parse(body);
  REQUIRE_FALSE(form.ok());
  CHECK_THAT(std::string(form.status().message()), Catch::Contains(fragment));
}

TEST_CASE("only application/x-www-form-urlencoded is a form") {
  auto [type, ok] = GENERATE(table<std::string, bool>({
      {"application/x-www-form-urlencoded", true},
      {"application/x-www-form-urlencoded; charset=UTF-8", true},
      {"Application/X-WWW-Form-Urlencoded", true},
      {"application/json", false},
      {"multipart/form-data", false},
      {"", false},
  }));
  CAPTURE(type);
  CHECK(IsFormContentType(type) == ok);
}

}  // namespace nauthera
