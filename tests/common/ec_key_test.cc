#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/crypto/ec_key.h"
#include "common/crypto/jws_key.h"
#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

// The P-256 key of RFC 7515 Appendix A.3 (d, x, y as printed there), as PKCS#8 PEM.
constexpr char kRfc7515A3Pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff\n"
    "H1136cLSG9Yx7vjt0g7SnwXn9bmhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp\n"
    "7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kRfc7515A3SigningInput[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr char kRfc7515A3Signature[] =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

}  // namespace

TEST_CASE("the RFC 7515 A.3 key has the printed public coordinates and its thumbprint") {
  auto key = EcKey::FromPrivatePem(kRfc7515A3Pem);
  REQUIRE(key.ok());
  CHECK((*key)->XB64() == "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  CHECK((*key)->YB64() == "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  // RFC 7638 prints only an RSA example; this value is SHA-256 of
  // {"crv":"P-256","kty":"EC","x":"f83O…","y":"x_FE…"} computed independently (Python hashlib).
  CHECK((*key)->Thumbprint() == "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
  CHECK(EcJwkThumbprint((*key)->XB64(), (*key)->YB64()) == (*key)->Thumbprint());
  auto members = (*key)->PublicJwkMembers();
  REQUIRE(members.size() == 4);
  CHECK(members[0] == std::pair<std::string, std::string>{"crv", "P-256"});
  CHECK(members[1] == std::pair<std::string, std::string>{"kty", "EC"});
  CHECK(members[2].first == "x");
  CHECK(members[3].first == "y");
}

TEST_CASE("the RFC 7515 A.3 ES256 signature verifies and a changed input does not") {
  auto key = EcKey::FromPrivatePem(kRfc7515A3Pem);
  REQUIRE(key.ok());
  auto signature = Base64UrlDecode(kRfc7515A3Signature);
  REQUIRE(signature.ok());
  CHECK((*key)->Verify(kRfc7515A3SigningInput, *signature));
  CHECK_FALSE((*key)->Verify(absl::StrCat(kRfc7515A3SigningInput, "x"), *signature));
  std::string flipped = *signature;
  flipped[63] ^= 1;
  CHECK_FALSE((*key)->Verify(kRfc7515A3SigningInput, flipped));
}

TEST_CASE("ES256 signatures are 64-byte R||S that verify, and survive a PEM round trip") {
  auto key = EcKey::Generate();
  REQUIRE(key.ok());
  CHECK((*key)->Algorithm() == "ES256");
  CHECK((*key)->XB64().size() == 43);  // base64url of exactly 32 bytes
  CHECK((*key)->YB64().size() == 43);
  auto again = EcKey::FromPrivatePem((*key)->PrivatePem());
  REQUIRE(again.ok());
  CHECK((*again)->Thumbprint() == (*key)->Thumbprint());
  CHECK((*key)->PrivatePem().rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);  // PKCS#8
  for (int i = 0; i < 50; ++i) {  // some R or S have leading zero bytes: the width stays 64
    auto signature = (*key)->Sign(absl::StrCat("header.payload", i));
    REQUIRE(signature.ok());
    CHECK(signature->size() == 64);
    CHECK((*again)->Verify(absl::StrCat("header.payload", i), *signature));
  }
}

TEST_CASE("ES256 verification refuses signatures that are not exactly 64 bytes") {
  auto key = EcKey::Generate();
  REQUIRE(key.ok());
  auto signature = (*key)->Sign("data");
  REQUIRE(signature.ok());
  auto der = EcdsaJoseToDer(*signature);
  REQUIRE(der.ok());
  CHECK_FALSE((*key)->Verify("data", *der));  // DER is not the JOSE form
  CHECK_FALSE((*key)->Verify("data", signature->substr(0, 63)));
  CHECK_FALSE((*key)->Verify("data", *signature + "x"));
  CHECK_FALSE((*key)->Verify("data", std::string(64, '\0')));
}

TEST_CASE("DER ECDSA values are left-padded to 32 bytes each in the JOSE form") {
  // SEQUENCE { INTEGER 1, INTEGER 2 }: both values padded with 31 zero bytes.
  std::string small("\x30\x06\x02\x01\x01\x02\x01\x02", 8);
  auto jose = EcdsaDerToJose(small);
  REQUIRE(jose.ok());
  REQUIRE(jose->size() == 64);
  CHECK(jose->substr(0, 31) == std::string(31, '\0'));
  CHECK((*jose)[31] == 1);
  CHECK(jose->substr(32, 31) == std::string(31, '\0'));
  CHECK((*jose)[63] == 2);
  auto back = EcdsaJoseToDer(*jose);
  REQUIRE(back.ok());
  CHECK(*back == small);
  // A 33-byte INTEGER (leading 0x00 because the high bit is set) loses the sign byte.
  std::string high = std::string("\x30\x46\x02\x21\x00", 5) + std::string(32, '\x80') +
                     std::string("\x02\x21\x00", 3) + std::string(32, '\xff');
  jose = EcdsaDerToJose(high);
  REQUIRE(jose.ok());
  CHECK(*jose == std::string(32, '\x80') + std::string(32, '\xff'));
  // Values wider than 32 bytes and garbage are refused.
  std::string wide = std::string("\x30\x26\x02\x21\x01", 5) + std::string(32, '\x01') +
                     std::string("\x02\x01\x01", 3);
  CHECK_FALSE(EcdsaDerToJose(wide).ok());
  CHECK_FALSE(EcdsaDerToJose("garbage").ok());
}

TEST_CASE("keys that are not EC P-256 private keys are refused as ES256 keys") {
  auto rsa = RsaKey::Generate(2048);
  REQUIRE(rsa.ok());
  CHECK_FALSE(EcKey::FromPrivatePem((*rsa)->PrivatePem()).ok());
  CHECK_FALSE(JwsKeyFromPrivatePem("ES256", (*rsa)->PrivatePem()).ok());
  auto ec = EcKey::Generate();
  REQUIRE(ec.ok());
  CHECK_FALSE(RsaKey::FromPrivatePem((*ec)->PrivatePem()).ok());
  CHECK_FALSE(JwsKeyFromPrivatePem("RS256", (*ec)->PrivatePem()).ok());
  CHECK_FALSE(EcKey::FromPrivatePem("not a pem").ok());
}

TEST_CASE("JWS keys exist for RS256 and ES256 only") {
  struct Case {
    const char* alg;
    bool supported;
  };
  auto c = GENERATE(Case{"RS256", true}, Case{"ES256", true}, Case{"none", false},
                    Case{"HS256", false}, Case{"ES384", false}, Case{"", false});
  CAPTURE(c.alg);
  CHECK(IsSupportedJwsAlgorithm(c.alg) == c.supported);
  auto key = GenerateJwsKey(c.alg);
  CHECK(key.ok() == c.supported);
  if (key.ok()) {
    CHECK((*key)->Algorithm() == c.alg);
    auto parsed = JwsKeyFromPrivatePem(c.alg, (*key)->PrivatePem());
    REQUIRE(parsed.ok());
    CHECK((*parsed)->Thumbprint() == (*key)->Thumbprint());
  }
}

TEST_CASE("ES256 signatures interoperate with the openssl command line, both ways") {
  char dir_template[] = "/tmp/ec_key_test.XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template;
  auto key = EcKey::Generate();
  REQUIRE(key.ok());
  WriteFile(dir + "/key.pem", (*key)->PrivatePem());
  WriteFile(dir + "/pub.pem", (*key)->PublicPem());
  WriteFile(dir + "/data", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0");

  // openssl signs (DER), we convert to JOSE and verify.
  REQUIRE(std::system(("openssl dgst -sha256 -sign " + dir + "/key.pem -out " + dir +
                       "/openssl.sig " + dir + "/data")
                          .c_str()) == 0);
  auto jose = EcdsaDerToJose(ReadFile(dir + "/openssl.sig"));
  REQUIRE(jose.ok());
  CHECK((*key)->Verify(ReadFile(dir + "/data"), *jose));

  // We sign (JOSE), convert to DER, openssl verifies with the public PEM.
  auto ours = (*key)->Sign(ReadFile(dir + "/data"));
  REQUIRE(ours.ok());
  auto der = EcdsaJoseToDer(*ours);
  REQUIRE(der.ok());
  WriteFile(dir + "/ours.sig", *der);
  CHECK(std::system(("openssl dgst -sha256 -verify " + dir + "/pub.pem -signature " + dir +
                     "/ours.sig " + dir + "/data >/dev/null")
                        .c_str()) == 0);
  WriteFile(dir + "/data", "tampered");
  CHECK(std::system(("openssl dgst -sha256 -verify " + dir + "/pub.pem -signature " + dir +
                     "/ours.sig " + dir + "/data >/dev/null")
                        .c_str()) != 0);

  // A key made by openssl is read, and its public half matches openssl's.
  REQUIRE(std::system(("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                       dir + "/cli.pem 2>/dev/null")
                          .c_str()) == 0);
  auto cli = EcKey::FromPrivatePem(ReadFile(dir + "/cli.pem"));
  REQUIRE(cli.ok());
  REQUIRE(std::system(("openssl pkey -in " + dir + "/cli.pem -pubout -out " + dir +
                       "/cli_pub.pem").c_str()) == 0);
  CHECK((*cli)->PublicPem() == ReadFile(dir + "/cli_pub.pem"));
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace nauthera
