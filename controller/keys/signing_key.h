// One signing key and its place in the rotation (proto SigningKey.Phase): PUBLISHED (in JWKS,
// not yet signing), ACTIVE (signs; exactly one), RETIRED (published until what it signed has
// expired).
#ifndef NAUTHERA_CONTROLLER_KEYS_SIGNING_KEY_H_
#define NAUTHERA_CONTROLLER_KEYS_SIGNING_KEY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto/jws_key.h"

namespace nauthera::controller {

enum class KeyPhase { kPublished, kActive, kRetired };

absl::string_view KeyPhaseName(KeyPhase phase);  // "PUBLISHED", "ACTIVE", "RETIRED"
std::optional<KeyPhase> KeyPhaseFromName(absl::string_view name);

struct SigningKey {
  std::string kid;  // RFC 7638 thumbprint of the public key
  std::string algorithm = "RS256";  // JWS alg: RS256 or ES256 (RFC 7518 §3.1)
  KeyPhase phase = KeyPhase::kActive;
  int64_t created_at = 0;  // unix seconds
  // Rotation bookkeeping (key_rotation.h); 0 = not (yet) set.
  int64_t activated_at = 0;   // began signing
  int64_t retired_at = 0;     // stopped signing
  int64_t remove_after = 0;   // RETIRED keys leave the JWKS after this
  int64_t max_token_ttl = 0;  // longest token lifetime in force while it was ACTIVE
  std::string private_key_pem;
  std::shared_ptr<const JwsKey> key;  // parsed once, so checks do not re-parse
};

// The JSON list stored in the key Secret's data."keys.json":
// [{"kid":..,"alg":"RS256","phase":"ACTIVE","created_at":..,"private_key_pem":..}], plus
// activated_at, retired_at, remove_after and max_token_ttl when set (older sets lack them).
// "alg" is RS256 or ES256; sets written before ES256 existed may lack it (then RS256).
std::string EncodeKeySet(const std::vector<SigningKey>& keys);
// Parses and checks: every key parses, kid equals its thumbprint, alg is RS256 or ES256 and matches the key, exactly one
// is ACTIVE.
absl::StatusOr<std::vector<SigningKey>> DecodeKeySet(absl::string_view json);
absl::Status CheckKeySet(const std::vector<SigningKey>& keys);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_SIGNING_KEY_H_
