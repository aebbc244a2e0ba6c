// What signs and verifies our JWS (RFC 7515) whatever the algorithm: RS256 (RsaKey, RFC 7518
// §3.3) or ES256 (EcKey, RFC 7518 §3.4). Keys are parsed once and held for their whole life.
#ifndef NAUTHERA_COMMON_CRYPTO_JWS_KEY_H_
#define NAUTHERA_COMMON_CRYPTO_JWS_KEY_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

// The JWS "alg" values we sign with (RFC 7518 §3.1); nothing else is ever accepted.
inline constexpr absl::string_view kRs256 = "RS256";
inline constexpr absl::string_view kEs256 = "ES256";
bool IsSupportedJwsAlgorithm(absl::string_view alg);

class JwsKey {
 public:
  virtual ~JwsKey() = default;
  // "RS256" or "ES256".
  virtual absl::string_view Algorithm() const = 0;
  // RFC 7638 thumbprint of the public JWK; our `kid`.
  virtual const std::string& Thumbprint() const = 0;
  // The public JWK's key-type members in RFC 7638 order, e.g. {{"crv","P-256"},{"kty","EC"},
  // {"x",..},{"y",..}} or {{"e",..},{"kty","RSA"},{"n",..}}.
  virtual std::vector<std::pair<std::string, std::string>> PublicJwkMembers() const = 0;
  virtual std::string PrivatePem() const = 0;  // PKCS#8
  virtual std::string PublicPem() const = 0;   // SubjectPublicKeyInfo
  virtual int Bits() const = 0;
  // The JWS signature of `data` in the JOSE form for Algorithm(). Thread-safe.
  virtual absl::StatusOr<std::string> Sign(absl::string_view data) const = 0;
  virtual bool Verify(absl::string_view data, absl::string_view signature) const = 0;
};

// A fresh key for `alg` (RS256: RSA-2048; ES256: P-256).
absl::StatusOr<std::unique_ptr<JwsKey>> GenerateJwsKey(absl::string_view alg);
// A PEM private key that must be of the kind `alg` needs.
absl::StatusOr<std::unique_ptr<JwsKey>> JwsKeyFromPrivatePem(absl::string_view alg,
                                                             absl::string_view pem);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_JWS_KEY_H_
