#include "common/crypto/password_hash.h"

#include <argon2.h>
#include <crypt.h>

#include <cstring>

#include "absl/strings/match.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"

namespace nauthera {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19456;
constexpr uint32_t kParallelism = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;

bool IsBcrypt(absl::string_view encoded) {
  return absl::StartsWith(encoded, "$2a$") || absl::StartsWith(encoded, "$2b$") ||
         absl::StartsWith(encoded, "$2y$");
}

}  // namespace

absl::StatusOr<std::string> HashPasswordArgon2id(absl::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError("passwords are limited to 1024 bytes");
  }
  std::string salt = RandomBytes(kSaltBytes);
  size_t length = argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes,
                                    Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(),
                                 password.size(), salt.data(), salt.size(), kHashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return absl::InternalError(argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(absl::string_view encoded, absl::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  std::string hash(encoded);
  if (absl::StartsWith(encoded, "$argon2id$")) {
    return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
  }
  if (IsBcrypt(encoded)) {
    // bcrypt reads up to a NUL: a password with an embedded NUL cannot be checked honestly.
    std::string pw(password);
    if (pw.find('\0') != std::string::npos) return false;
    struct crypt_data data;
    std::memset(&data, 0, sizeof(data));
    const char* result = crypt_r(pw.c_str(), hash.c_str(), &data);
    if (result == nullptr || result[0] == '*') return false;
    return ConstantTimeEquals(result, encoded);
  }
  return false;
}

absl::Status CheckPasswordHashFormat(absl::string_view encoded) {
  if (absl::StartsWith(encoded, "$argon2id$") || IsBcrypt(encoded)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "not an argon2id or bcrypt hash; make one with `nauthera-hash-password` (never store a "
      "plain password)");
}

}  // namespace nauthera
