#include <catch2/catch.hpp>

#include "common/encoding/base64.h"

namespace nauthera {

TEST_CASE("base64url round-trips bytes without padding (RFC 4648 §5)") {
  auto [input, encoded] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {std::string("\xfb\xff\xfe", 3), "-__-"},
  }));
  CAPTURE(input, encoded);
  CHECK(Base64UrlEncode(input) == encoded);
  auto decoded = Base64UrlDecode(encoded);
  REQUIRE(decoded.ok());
  CHECK(*decoded == input);
}

TEST_CASE("base64 decoding rejects text outside the alphabet") {
  auto text = GENERATE(as<std::string>{}, "Zm9v!", "Zm 9v", "Z===");
  CAPTURE(text);
  CHECK_FALSE(Base64Decode(text).ok());
}

}  // namespace nauthera
