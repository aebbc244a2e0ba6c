// ES256 (RFC 7518 §3.4) beside RS256: snapshots accept EC P-256 keys, tokens are signed with
// the ACTIVE key's algorithm, JWKS and discovery show what is published, and our own JWT
// verifier accepts only RS256/ES256 with a key of that very algorithm.
#include <catch2/catch.hpp>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/ec_key.h"
#include "common/encoding/base64.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/endpoints/jwks_endpoint.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/store/memory_store.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace nauthera {
namespace {

using testing::kNow;

const std::string& EcPem() {
  static const std::string pem = (*EcKey::Generate())->PrivatePem();
  return pem;
}

// The test state with an ES256 key added in `phase` (the RSA key demoted when it takes over).
v1::State StateWithEcKey(v1::SigningKey::Phase phase) {
  v1::State state = testing::TestState();
  if (phase == v1::SigningKey::ACTIVE) state.mutable_signing_keys(0)->set_phase(v1::SigningKey::RETIRED);
  v1::SigningKey* key = state.add_signing_keys();
  key->set_kid((*EcKey::FromPrivatePem(EcPem()))->Thumbprint());
  key->set_algorithm("ES256");
  key->set_private_key_pem(EcPem());
  key->set_phase(phase);
  return state;
}

nlohmann::json Part(const std::string& jwt, int index) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  return nlohmann::json::parse(*Base64UrlDecode(parts[index]));
}

// ES256 verification through OpenSSL's EVP API from the public JWK's x and y, independent of
// EcKey: R||S is rebuilt into DER by hand.
bool OpenSslVerifiesEs256(const std::string& jwt, const nlohmann::json& jwk) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  std::string input = absl::StrCat(parts[0], ".", parts[1]);
  auto raw = Base64UrlDecode(parts[2]);
  auto x = Base64UrlDecode(jwk["x"].get<std::string>());
  auto y = Base64UrlDecode(jwk["y"].get<std::string>());
  if (!raw.ok() || raw->size() != 64 || !x.ok() || !y.ok()) return false;
  std::string point = "\x04" + *x + *y;
  EVP_PKEY* pkey = nullptr;
  {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("group", const_cast<char*>("P-256"), 0),
        OSSL_PARAM_construct_octet_string("pub", point.data(), point.size()), OSSL_PARAM_END};
    EVP_PKEY_fromdata_init(ctx);
    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
  }
  if (pkey == nullptr) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw->data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw->data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(md, der, der_len, reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace

TEST_CASE("a snapshot accepts an ES256 key whose kid is its RFC 7638 thumbprint") {
  auto snapshot = Snapshot::Create(StateWithEcKey(v1::SigningKey::ACTIVE));
  REQUIRE(snapshot.ok());
  CHECK((*snapshot)->active_key().Algorithm() == "ES256");

  struct Case {
    const char* name;
    std::function<void(v1::SigningKey*)> change;
  };
  auto c = GENERATE(
      Case{"a kid that is not the thumbprint", [](v1::SigningKey* k) { k->set_kid("x"); }},
      Case{"alg RS256 on an EC key", [](v1::SigningKey* k) { k->set_algorithm("RS256"); }},
      Case{"alg ES256 on an RSA key",
           [](v1::SigningKey* k) { k->set_private_key_pem(testing::TestKeyPem()); }},
      Case{"alg none", [](v1::SigningKey* k) { k->set_algorithm("none"); }},
      Case{"alg HS256", [](v1::SigningKey* k) { k->set_algorithm("HS256"); }});
  CAPTURE(c.name);
  v1::State state = StateWithEcKey(v1::SigningKey::ACTIVE);
  c.change(state.mutable_signing_keys(1));
  CHECK_FALSE(Snapshot::Create(state).ok());
}

TEST_CASE("JWKS and discovery show the algorithms of the published keys, both during a change") {
  struct Case {
    v1::SigningKey::Phase ec_phase;
    std::vector<std::string> algorithms;
  };
  auto c = GENERATE(Case{v1::SigningKey::PUBLISHED, {"ES256", "RS256"}},
                    Case{v1::SigningKey::ACTIVE, {"ES256", "RS256"}});
  auto snapshot = Snapshot::Create(StateWithEcKey(c.ec_phase));
  REQUIRE(snapshot.ok());
  auto discovery = nlohmann::json::parse(RenderDiscovery(**snapshot));
  CHECK(discovery["id_token_signing_alg_values_supported"] == nlohmann::json(c.algorithms));
  auto jwks = nlohmann::json::parse(RenderJwks(**snapshot));
  REQUIRE(jwks["keys"].size() == 2);
  const nlohmann::json& rsa = jwks["keys"][0];
  const nlohmann::json& ec = jwks["keys"][1];
  CHECK(rsa["kty"] == "RSA");
  CHECK(rsa["alg"] == "RS256");
  CHECK(ec["kty"] == "EC");
  CHECK(ec["alg"] == "ES256");
  CHECK(ec["crv"] == "P-256");
  CHECK(ec["use"] == "sig");
  CHECK(ec["x"].get<std::string>().size() == 43);
  CHECK(ec["y"].get<std::string>().size() == 43);
  CHECK_FALSE(ec.contains("d"));
  CHECK_FALSE(ec.contains("n"));
  CHECK(ec["kid"] == EcJwkThumbprint(ec["x"].get<std::string>(), ec["y"].get<std::string>()));

  // Only RSA keys: only RS256; once the RSA key has left the JWKS: only ES256.
  auto rsa_only = nlohmann::json::parse(RenderDiscovery(*testing::TestSnapshot()));
  CHECK(rsa_only["id_token_signing_alg_values_supported"] == nlohmann::json({"RS256"}));
  v1::State ec_only = StateWithEcKey(v1::SigningKey::ACTIVE);
  ec_only.mutable_signing_keys()->DeleteSubrange(0, 1);
  auto ec_snapshot = Snapshot::Create(ec_only);
  REQUIRE(ec_snapshot.ok());
  CHECK(nlohmann::json::parse(RenderDiscovery(**ec_snapshot))
            ["id_token_signing_alg_values_supported"] == nlohmann::json({"ES256"}));
}

TEST_CASE("with an ACTIVE ES256 key, client_credentials tokens are ES256 and verify") {
  auto snapshot = Snapshot::Create(StateWithEcKey(v1::SigningKey::ACTIVE));
  REQUIRE(snapshot.ok());
  MemoryStore store;
  HttpResponse response = HandleTokenRequest(
      testing::TokenPost(absl::StrCat("grant_type=client_credentials&client_id=", testing::kSaId,
                                      "&client_secret=", testing::kSaSecret)),
      **snapshot, kNow, &store);
  REQUIRE(response.status == 200);
  std::string jwt = nlohmann::json::parse(response.body)["access_token"];
  auto header = Part(jwt, 0);
  CHECK(header["alg"] == "ES256");
  CHECK(header["kid"] == (*snapshot)->active_kid());
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  CHECK(Base64UrlDecode(parts[2])->size() == 64);  // R||S, not DER
  auto jwks = nlohmann::json::parse(RenderJwks(**snapshot));
  CHECK(OpenSslVerifiesEs256(jwt, jwks["keys"][1]));
  // Our verifier (userinfo, introspection) accepts it.
  auto claims = VerifyJwt(**snapshot, jwt, JwtExpectations{"at+jwt", false}, kNow);
  REQUIRE(claims.ok());
  CHECK((*claims)["sub"] == testing::kSaId);
}

TEST_CASE("our JWT verifier refuses an alg that is not the key's, none and HS256") {
  auto snapshot = Snapshot::Create(StateWithEcKey(v1::SigningKey::ACTIVE));
  REQUIRE(snapshot.ok());
  auto ec = EcKey::FromPrivatePem(EcPem());
  REQUIRE(ec.ok());
  nlohmann::json claims = {{"iss", testing::kIssuer}, {"sub", "s"}, {"exp", kNow + 600}};
  auto token = [&](const std::string& alg, const std::string& kid, bool sign_ec) {
    nlohmann::json header = {{"alg", alg}, {"typ", "at+jwt"}, {"kid", kid}};
    std::string input =
        absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(claims.dump()));
    std::string signature = sign_ec ? *(*ec)->Sign(input) : std::string("sig");
    return absl::StrCat(input, ".", Base64UrlEncode(signature));
  };
  JwtExpectations expect{"at+jwt", false};
  const std::string ec_kid = (*ec)->Thumbprint();
  const std::string rsa_kid = (*snapshot)->published_keys()[0].kid;
  CHECK(VerifyJwt(**snapshot, token("ES256", ec_kid, true), expect, kNow).ok());
  struct Case {
    const char* name;
    std::string alg;
    std::string kid;
    bool sign_ec;
  };
  auto c = GENERATE_COPY(Case{"RS256 named on the EC key", "RS256", ec_kid, true},
                         Case{"ES256 named on the RSA key", "ES256", rsa_kid, true},
                         Case{"alg none", "none", ec_kid, false},
                         Case{"alg HS256", "HS256", ec_kid, false},
                         Case{"alg ES384", "ES384", ec_kid, true});
  CAPTURE(c.name);
  CHECK_FALSE(VerifyJwt(**snapshot, token(c.alg, c.kid, c.sign_ec), expect, kNow).ok());
}

}  // namespace nauthera
