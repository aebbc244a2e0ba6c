// Cryptographically secure randomness from OpenSSL's DRBG.
#ifndef NAUTHERA_COMMON_CRYPTO_RANDOM_H_
#define NAUTHERA_COMMON_CRYPTO_RANDOM_H_

#include <cstddef>
#include <string>

namespace nauthera {

// `n` random bytes. Aborts if the DRBG fails: no secret may ever come from a weaker source.
std::string RandomBytes(size_t n);

// `n` random bytes as base64url without padding: for secrets, token ids and codes.
std::string RandomToken(size_t n);

// `n` random bytes as lowercase hex.
std::string RandomHex(size_t n);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_RANDOM_H_
