// An RSA signing key held parsed (EVP_PKEY) for its whole life: parsing PEM per signature would
// cost more than the signature itself.
#ifndef NAUTHERA_COMMON_CRYPTO_RSA_KEY_H_
#define NAUTHERA_COMMON_CRYPTO_RSA_KEY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/jws_key.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace nauthera {

// RFC 7638 §3: base64url(SHA-256 of {"e":..,"kty":"RSA","n":..}) from base64url n and e.
std::string RsaJwkThumbprint(absl::string_view n_b64, absl::string_view e_b64);

class RsaKey : public JwsKey {
 public:
  // A fresh RSA key of `bits` (2048 or more).
  static absl::StatusOr<std::unique_ptr<RsaKey>> Generate(int bits = 2048);
  // From a PKCS#8 or PKCS#1 PEM private key.
  static absl::StatusOr<std::unique_ptr<RsaKey>> FromPrivatePem(absl::string_view pem);

  ~RsaKey() override;
  RsaKey(const RsaKey&) = delete;
  RsaKey& operator=(const RsaKey&) = delete;

  absl::string_view Algorithm() const override { return kRs256; }
  // PKCS#8 PEM of the private key.
  std::string PrivatePem() const override;
  // SubjectPublicKeyInfo PEM of the public key.
  std::string PublicPem() const override;
  // RFC 7638 thumbprint: base64url(SHA-256({"e":..,"kty":"RSA","n":..})).
  const std::string& Thumbprint() const override { return thumbprint_; }
  std::vector<std::pair<std::string, std::string>> PublicJwkMembers() const override {
    return {{"e", e_b64_}, {"kty", "RSA"}, {"n", n_b64_}};
  }
  // Public JWK members, base64url: modulus and exponent.
  const std::string& ModulusB64() const { return n_b64_; }
  const std::string& ExponentB64() const { return e_b64_; }
  int Bits() const override;

  // RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256", RFC 7518 §3.3). Thread-safe.
  absl::StatusOr<std::string> SignRs256(absl::string_view data) const;
  // Verifies an RS256 signature with the public half.
  bool VerifyRs256(absl::string_view data, absl::string_view signature) const;
  absl::StatusOr<std::string> Sign(absl::string_view data) const override {
    return SignRs256(data);
  }
  bool Verify(absl::string_view data, absl::string_view signature) const override {
    return VerifyRs256(data, signature);
  }

 private:
  explicit RsaKey(EVP_PKEY* pkey);
  EVP_PKEY* pkey_;
  std::string n_b64_;
  std::string e_b64_;
  std::string thumbprint_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_RSA_KEY_H_
