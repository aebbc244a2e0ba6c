// SHA-256, HMAC-SHA-256 and constant-time comparison.
#ifndef NAUTHERA_COMMON_CRYPTO_HASHING_H_
#define NAUTHERA_COMMON_CRYPTO_HASHING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nauthera {

// Raw 32-byte digests.
std::string Sha256(absl::string_view data);
std::string HmacSha256(absl::string_view key, absl::string_view message);

// True if a == b. Time depends only on the lengths, never on the contents, so a secret
// cannot be guessed byte by byte from response times.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_HASHING_H_
