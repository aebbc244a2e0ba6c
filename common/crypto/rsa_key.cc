#include "common/crypto/rsa_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/crypto/openssl_util.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

std::string BigNumParam(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return "";
  std::string bytes(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

}  // namespace

std::string RsaJwkThumbprint(absl::string_view n_b64, absl::string_view e_b64) {
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  std::string canonical =
      absl::StrCat(R"({"e":")", e_b64, R"(","kty":"RSA","n":")", n_b64, R"("})");
  return Base64UrlEncode(Sha256(canonical));
}

RsaKey::RsaKey(EVP_PKEY* pkey) : pkey_(pkey) {
  n_b64_ = Base64UrlEncode(BigNumParam(pkey_, OSSL_PKEY_PARAM_RSA_N));
  e_b64_ = Base64UrlEncode(BigNumParam(pkey_, OSSL_PKEY_PARAM_RSA_E));
  thumbprint_ = RsaJwkThumbprint(n_b64_, e_b64_);
}

RsaKey::~RsaKey() { EVP_PKEY_free(pkey_); }

absl::StatusOr<std::unique_ptr<RsaKey>> RsaKey::Generate(int bits) {
  if (bits < 2048) return absl::InvalidArgumentError("RSA keys must have at least 2048 bits");
  EVP_PKEY* pkey = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (pkey == nullptr) return absl::InternalError(OpenSslError("RSA key generation failed"));
  return std::unique_ptr<RsaKey>(new RsaKey(pkey));
}

absl::StatusOr<std::unique_ptr<RsaKey>> RsaKey::FromPrivatePem(absl::string_view pem) {
  absl::StatusOr<EVP_PKEY*> read = ReadPrivateKeyPem(pem);
  if (!read.ok()) return read.status();
  EVP_PKEY* pkey = *read;
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    EVP_PKEY_free(pkey);
    return absl::InvalidArgumentError("the private key is not an RSA key");
  }
  if (EVP_PKEY_get_bits(pkey) < 2048) {
    EVP_PKEY_free(pkey);
    return absl::InvalidArgumentError("the RSA key has fewer than 2048 bits");
  }
  return std::unique_ptr<RsaKey>(new RsaKey(pkey));
}

std::string RsaKey::PrivatePem() const { return PrivateKeyPem(pkey_); }

std::string RsaKey::PublicPem() const { return PublicKeyPem(pkey_); }

int RsaKey::Bits() const { return EVP_PKEY_get_bits(pkey_); }

absl::StatusOr<std::string> RsaKey::SignRs256(absl::string_view data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return absl::ResourceExhaustedError("EVP_MD_CTX_new failed");
  std::string sig(static_cast<size_t>(EVP_PKEY_get_size(pkey_)), '\0');
  size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError(OpenSslError("RS256 signing failed"));
  sig.resize(len);
  return sig;
}

bool RsaKey::VerifyRs256(absl::string_view data, absl::string_view signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace nauthera
