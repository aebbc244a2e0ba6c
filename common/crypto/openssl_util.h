// What the RS256 and ES256 keys (rsa_key.cc, ec_key.cc) share with OpenSSL: its error text,
// and private/public keys as PEM (PKCS#8 and SubjectPublicKeyInfo) in and out.
#ifndef NAUTHERA_COMMON_CRYPTO_OPENSSL_UTIL_H_
#define NAUTHERA_COMMON_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/evp.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

// "<what>: <OpenSSL's first queued error>", and the queue cleared.
std::string OpenSslError(absl::string_view what);

// The private key in `pem` (any type: the caller checks it); the caller owns the result.
// InvalidArgument when `pem` holds no private key.
absl::StatusOr<EVP_PKEY*> ReadPrivateKeyPem(absl::string_view pem);

// PKCS#8 "PRIVATE KEY" and SubjectPublicKeyInfo "PUBLIC KEY" PEM of `pkey`.
std::string PrivateKeyPem(EVP_PKEY* pkey);
std::string PublicKeyPem(EVP_PKEY* pkey);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_OPENSSL_UTIL_H_
