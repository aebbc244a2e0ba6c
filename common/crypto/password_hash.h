// Slow password hashes for people's passwords (never for client secrets, which are random and
// verified by HMAC): argon2id (RFC 9106) through libargon2, bcrypt through libxcrypt.
#ifndef NAUTHERA_COMMON_CRYPTO_PASSWORD_HASH_H_
#define NAUTHERA_COMMON_CRYPTO_PASSWORD_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (OWASP's minimum argon2id parameters).
absl::StatusOr<std::string> HashPasswordArgon2id(absl::string_view password);

// True if `password` matches `encoded` ("$argon2id$..." or bcrypt "$2a$/$2b$/$2y$...").
// Unknown formats never match. Takes as long as the hash's cost says: call it off the hot path.
bool VerifyPassword(absl::string_view encoded, absl::string_view password);

// InvalidArgument unless `encoded` is a hash VerifyPassword understands, with a message that
// says how to make one.
absl::Status CheckPasswordHashFormat(absl::string_view encoded);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_CRYPTO_PASSWORD_HASH_H_
