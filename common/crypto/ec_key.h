// An EC P-256 signing key for JWS ES256 (RFC 7518 §3.4), held parsed (EVP_PKEY) for its life.
#ifndef NAUTHERA_COMMON_CRYPTO_EC_KEY_H_
#define NAUTHERA_COMMON_CRYPTO_EC_KEY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/jws_key.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace nauthera {

// RFC 7638 §3.2: base64url(SHA-256 of {"crv":"P-256","kty":"EC","x":..,"y":..}).
std::string EcJwkThumbprint(absl::string_view x_b64, absl::string_view y_b64);

// ECDSA DER (SEQUENCE of two INTEGERs) to the JOSE form R || S, each left-padded to 32 bytes
// (RFC 7518 §3.4), and back. Errors on anything that is not a P-256-sized signature.
absl::StatusOr<std::string> EcdsaDerToJose(absl::string_view der);
absl::StatusOr<std::string> EcdsaJoseToDer(absl::string_view jose);

class EcKey : public JwsKey {
 public:
  // A fresh P-256 key.
  static absl::StatusOr<std::unique_ptr<EcKey>> Generate();
  // From a PKCS#8 (or SEC 1 "EC PRIVATE KEY") PEM; only P-256 keys are accepted.
  static absl::StatusOr<std::unique_ptr<EcKey>> FromPrivatePem(absl::string_view pem);

  ~EcKey() override;
  EcKey(const EcKey&) = delete;
  EcKey& operator=(const EcKey&) = delete;

  absl::string_view Algorithm() const override { return kEs256; }
  const std::string& Thumbprint() const override { return thumbprint_; }
  std::vector<std::pair<std::string, std::string>> PublicJwkMembers() const override;
  std::string PrivatePem() const override;
  std::string PublicPem() const override;
  int Bits() const override { return 256; }
  // ECDSA P-256 SHA-256; the 64-byte R || S. Thread-safe.
  absl::StatusOr<std::string> Sign(absl::string_view data) const override;
  // False for anything but a valid 64-byte R || S over `data`.
  bool Verify(absl::string_view data, absl::string_view signature) const override;

  // Public JWK coordinates, base64url of 32 bytes each (RFC 7518 §6.2.1.2).
  const std::string& XB64() const { return x_b64_; }
  const std::string& YB64() const { return y_b64_; }

 private:
  explicit EcKey(EVP_PKEY* pkey);
  EVP_PKEY* pkey_;
  std::string x_b64_;
  std::string y_b64_;
  std::string thumbprint_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_EC_KEY_H_
