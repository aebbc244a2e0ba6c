#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"

namespace nauthera {

TEST_CASE("HMAC-SHA-256 matches RFC 4231 test case 2") {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  CHECK(absl::BytesToHexString(mac) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("SHA-256 of abc (FIPS 180-2)") {
  CHECK(absl::BytesToHexString(Sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("constant-time comparison is exact") {
  auto [a, b, equal] = GENERATE(table<std::string, std::string, bool>({
      {"", "", true}, {"abc", "abc", true}, {"abc", "abd", false}, {"abc", "ab", false},
      {std::string("a\0b", 3), std::string("a\0c", 3), false}}));
  CAPTURE(a, b);
  CHECK(ConstantTimeEquals(a, b) == equal);
}

TEST_CASE("random tokens are the requested size and differ") {
  CHECK(RandomBytes(32).size() == 32);
  CHECK(RandomToken(32).size() == 43);
  CHECK(RandomHex(16).size() == 32);
  CHECK(RandomToken(32) != RandomToken(32));
}

}  // namespace nauthera
