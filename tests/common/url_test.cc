#include <catch2/catch.hpp>

#include "common/util/url.h"

namespace nauthera {

TEST_CASE("issuer URLs: https anywhere, http only on loopback, never a query or fragment") {
  auto [issuer, ok] = GENERATE(table<std::string, bool>({
      {"https://auth.example.com", true},
      {"https://auth.example.com/tenant", true},
      {"http://127.0.0.1:8080", true},
      {"http://localhost:8080", true},
      {"http://[::1]:8080", true},
      {"http://auth.example.com", false},
      {"http://10.0.0.1:8080", false},
      {"http://127.0.0.1.evil.com", false},
      {"https://auth.example.com?x=1", false},
      {"https://auth.example.com#frag", false},
      {"ftp://auth.example.com", false},
      {"auth.example.com", false},
      {"https://user@auth.example.com", false},
  }));
  CAPTURE(issuer);
  CHECK(ValidateIssuerUrl(issuer).ok() == ok);
}

TEST_CASE("URLs parse into their parts") {
  auto url = ParseUrl("https://Auth.Example.com:8443/a/b?x=1#f");
  REQUIRE(url.ok());
  CHECK(url->scheme == "https");
  CHECK(url->host == "auth.example.com");
  CHECK(url->port == 8443);
  CHECK(url->path == "/a/b");
  CHECK(url->query == "x=1");
  CHECK(url->fragment == "f");
  CHECK_FALSE(ParseUrl("http://host:99999").ok());
  CHECK_FALSE(ParseUrl("http://[::1").ok());
}

TEST_CASE("form encoding escapes what must be escaped") {
  CHECK(FormUrlEncode("a b&c=d/é") == "a+b%26c%3Dd%2F%C3%A9");
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("a URL port is digits only, and a URL holds no space or control character") {
  auto [text, ok] = GENERATE(table<std::string, bool>({
      {"http://127.0.0.1:80/cb", true},
      {"http://127.0.0.1:+80/cb", false},
      {"http://127.0.0.1: 80/cb", false},
      {"http://127.0.0.1:80\t/cb", false},
      {"http://127.0.0.1:80\r\n\r\n/cb", false},
      {"http://127.0.0.1:0080/cb", true},
      {"http://127.0.0.1:000080/cb", false},
      {"http://127.0.0.1:-1/cb", false},
      {"http://127.0.0.1:65536/cb", false},
      {"http://127.0.0.1/c b", false},
      {"http://127.0.0.1/cb\x7f", false},
  }));
  CAPTURE(text);
  CHECK(ParseUrl(text).ok() == ok);
}

TEST_CASE("percent-decoding takes exactly two hex digits after % (RFC 3986 §2.1)") {
  CHECK(PercentDecode("a%41%2b%2F+b") == std::optional<std::string>("aA+/+b"));
  CHECK(PercentDecode("") == std::optional<std::string>(""));
  CHECK(PercentDecode("%00") == std::optional<std::string>(std::string(1, '\0')));
  for (const char* bad : {"%", "%4", "%4g", "a%", "%%41", "%G0", "%-1"}) {
    CAPTURE(bad);
    CHECK_FALSE(PercentDecode(bad).has_value());
  }
}

}  // namespace nauthera
