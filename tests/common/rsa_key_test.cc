#include <catch2/catch.hpp>

#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"

namespace nauthera {

TEST_CASE("an RSA key survives a PEM round trip with the same thumbprint") {
  auto key = RsaKey::Generate(2048);
  REQUIRE(key.ok());
  CHECK((*key)->Bits() == 2048);
  auto again = RsaKey::FromPrivatePem((*key)->PrivatePem());
  REQUIRE(again.ok());
  CHECK((*again)->Thumbprint() == (*key)->Thumbprint());
  CHECK((*key)->ExponentB64() == "AQAB");
  CHECK((*key)->Thumbprint().size() == 43);  // base64url of 32 bytes
}

TEST_CASE("RS256 signatures verify and detect tampering") {
  auto key = RsaKey::Generate(2048);
  REQUIRE(key.ok());
  auto signature = (*key)->SignRs256("header.payload");
  REQUIRE(signature.ok());
  CHECK(signature->size() == 256);
  CHECK((*key)->VerifyRs256("header.payload", *signature));
  CHECK_FALSE((*key)->VerifyRs256("header.payloaD", *signature));
}

TEST_CASE("keys that are not usable RSA-2048+ private keys are refused") {
  auto pem = GENERATE(as<std::string>{}, "", "not a pem",
                      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  CAPTURE(pem);
  CHECK_FALSE(RsaKey::FromPrivatePem(pem).ok());
  CHECK_FALSE(RsaKey::Generate(1024).ok());
}

TEST_CASE("the RFC 7638 §3.1 example key has the published thumbprint") {
  const char* n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
      "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  CHECK(RsaJwkThumbprint(n, "AQAB") == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

}  // namespace nauthera
