#include <catch2/catch.hpp>

#include "common/crypto/password_hash.h"

namespace nauthera {

TEST_CASE("argon2id hashes verify the right password only") {
  auto hash = HashPasswordArgon2id("correct horse battery staple");
  REQUIRE(hash.ok());
  CHECK_THAT(*hash, Catch::StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
  CHECK(VerifyPassword(*hash, "correct horse battery staple"));
  CHECK_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  CHECK_FALSE(VerifyPassword(*hash, ""));
  CHECK(*HashPasswordArgon2id("x") != *HashPasswordArgon2id("x"));  // salted
}

TEST_CASE("bcrypt hashes made by other tools verify") {
  // The OpenBSD / John the Ripper bcrypt vector for "U*U".
  const char* vector = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
  CHECK(CheckPasswordHashFormat(vector).ok());
  CHECK(VerifyPassword(vector, "U*U"));
  CHECK_FALSE(VerifyPassword(vector, "U*V"));
  // Made by Python's crypt (libxcrypt) with cost 4 for "password".
  const char* b = "$2b$04$D.GCr70HdBuPav5/pGaOtuD9b4LqJRsvcT5bnICunRlqaU69/upvq";
  CHECK(VerifyPassword(b, "password"));
  CHECK_FALSE(VerifyPassword(b, "Password"));
}

TEST_CASE("plain or unknown password formats never verify") {
  auto encoded = GENERATE(as<std::string>{}, "password", "", "$1$abc$def", "$argon2i$v=19$x",
                          "$argon2id$garbage");
  CAPTURE(encoded);
  CHECK_FALSE(VerifyPassword(encoded, "password"));
  CHECK_FALSE(VerifyPassword(encoded, encoded));
}

}  // namespace nauthera
