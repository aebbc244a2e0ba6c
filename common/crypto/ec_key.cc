#include "common/crypto/ec_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/crypto/openssl_util.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

constexpr size_t kCoordinateSize = 32;  // P-256: RFC 7518 §3.4 and §6.2.1.2

// A coordinate as exactly 32 big-endian bytes: RFC 7518 §6.2.1.2 requires the full width even
// when the leading bytes are zero.
std::string FixedWidthParam(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return "";
  std::string bytes(kCoordinateSize, '\0');
  int written = BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()),
                             static_cast<int>(kCoordinateSize));
  BN_free(bn);
  if (written != static_cast<int>(kCoordinateSize)) return "";
  return bytes;
}

bool IsP256(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return false;
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) != 1) return false;
  return std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0;
}

}  // namespace

std::string EcJwkThumbprint(absl::string_view x_b64, absl::string_view y_b64) {
  // RFC 7638 §3.2 and §3.3 (EC): crv, kty, x, y in lexicographic order, no whitespace.
  std::string canonical = absl::StrCat(R"({"crv":"P-256","kty":"EC","x":")", x_b64,
                                       R"(","y":")", y_b64, R"("})");
  return Base64UrlEncode(Sha256(canonical));
}

absl::StatusOr<std::string> EcdsaDerToJose(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a DER ECDSA signature");
  }
  std::string out(2 * kCoordinateSize, '\0');
  unsigned char* raw = reinterpret_cast<unsigned char*>(out.data());
  bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, kCoordinateSize) ==
                static_cast<int>(kCoordinateSize) &&
            BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + kCoordinateSize, kCoordinateSize) ==
                static_cast<int>(kCoordinateSize);
  ECDSA_SIG_free(sig);
  if (!ok) return absl::InvalidArgumentError("ECDSA signature values wider than 32 bytes");
  return out;
}

absl::StatusOr<std::string> EcdsaJoseToDer(absl::string_view jose) {
  if (jose.size() != 2 * kCoordinateSize) {
    return absl::InvalidArgumentError("an ES256 signature is 64 bytes (RFC 7518 §3.4)");
  }
  const unsigned char* raw = reinterpret_cast<const unsigned char*>(jose.data());
  BIGNUM* r = BN_bin2bn(raw, kCoordinateSize, nullptr);
  BIGNUM* s = BN_bin2bn(raw + kCoordinateSize, kCoordinateSize, nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return absl::ResourceExhaustedError("ECDSA_SIG allocation failed");
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return absl::InternalError(OpenSslError("i2d_ECDSA_SIG failed"));
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

EcKey::EcKey(EVP_PKEY* pkey) : pkey_(pkey) {
  x_b64_ = Base64UrlEncode(FixedWidthParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_X));
  y_b64_ = Base64UrlEncode(FixedWidthParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_Y));
  thumbprint_ = EcJwkThumbprint(x_b64_, y_b64_);
}

EcKey::~EcKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<std::unique_ptr<EcKey>> EcKey::Generate() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (pkey == nullptr) return absl::InternalError(OpenSslError("EC key generation failed"));
  return std::unique_ptr<EcKey>(new EcKey(pkey));
}

absl::StatusOr<std::unique_ptr<EcKey>> EcKey::FromPrivatePem(absl::string_view pem) {
  absl::StatusOr<EVP_PKEY*> read = ReadPrivateKeyPem(pem);
  if (!read.ok()) return read.status();
  EVP_PKEY* pkey = *read;
  if (!IsP256(pkey)) {
    EVP_PKEY_free(pkey);
    return absl::InvalidArgumentError("the private key is not an EC P-256 key");
  }
  return std::unique_ptr<EcKey>(new EcKey(pkey));
}

std::vector<std::pair<std::string, std::string>> EcKey::PublicJwkMembers() const {
  return {{"crv", "P-256"}, {"kty", "EC"}, {"x", x_b64_}, {"y", y_b64_}};
}

std::string EcKey::PrivatePem() const { return PrivateKeyPem(pkey_); }

std::string EcKey::PublicPem() const { return PublicKeyPem(pkey_); }

absl::StatusOr<std::string> EcKey::Sign(absl::string_view data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return absl::ResourceExhaustedError("EVP_MD_CTX_new failed");
  std::string der(static_cast<size_t>(EVP_PKEY_get_size(pkey_)), '\0');
  size_t len = der.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError(OpenSslError("ES256 signing failed"));
  der.resize(len);
  // OpenSSL produces DER; JWS wants the fixed-width R || S (RFC 7518 §3.4).
  return EcdsaDerToJose(der);
}

bool EcKey::Verify(absl::string_view data, absl::string_view signature) const {
  absl::StatusOr<std::string> der = EcdsaJoseToDer(signature);
  if (!der.ok()) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der->data()),
                             der->size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace nauthera
