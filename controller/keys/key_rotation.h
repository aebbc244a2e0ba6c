// Signing-key rotation as a pure step over a key set (DESIGN.md, Tokens; RFC 7517 §5 key sets):
//
//   PUBLISHED ──(publish_ahead)──▶ ACTIVE ──(next key activates)──▶ RETIRED ──(retention)──▶ gone
//
// - A new key is PUBLISHED (in the JWKS, signing nothing) for `publish_ahead` before it signs.
//   Verifiers such as kube-apiserver cache the JWKS for its max-age and re-fetch on an unknown
//   kid only after that: publish_ahead >= the JWKS max-age means every cache has had the new
//   key (or has expired) by the time a token carries its kid.
// - The old key is then RETIRED and stays published until every token it signed has expired:
//   the longest access/ID-token lifetime in force while it was ACTIVE, plus the JWKS max-age
//   and a minute of clock skew, and never less than `retired_overlap`.
// - A rotation starts when the ACTIVE key is `period - publish_ahead` old (so it is replaced
//   after `period`), or when asked (annotation auth.nauthera.io/rotate on the key Secret).
#ifndef NAUTHERA_CONTROLLER_KEYS_KEY_ROTATION_H_
#define NAUTHERA_CONTROLLER_KEYS_KEY_ROTATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/keys/signing_key.h"

namespace nauthera::controller {

inline constexpr int64_t kClockSkewSeconds = 60;

struct RotationSettings {
  int64_t period_seconds = 7 * 24 * 3600;  // 0: only rotations that are asked for
  int64_t publish_ahead_seconds = 600;
  int64_t retired_overlap_seconds = 3600;  // the minimum a retired key stays published
  int64_t jwks_max_age_seconds = 60;
};

// Refuses settings that would let a verifier meet an unknown kid, with what to change.
absl::Status ValidateRotationSettings(const RotationSettings& settings);

struct RotationInput {
  int64_t now = 0;
  // The longest access or ID token lifetime any client may be issued now.
  int64_t max_token_ttl_seconds = 0;
  // Someone asked for a rotation that has not been started yet.
  bool requested = false;
};

struct RotationResult {
  std::vector<SigningKey> keys;
  bool changed = false;
  // The request (if any) is now handled: a rotation started or one was already under way.
  bool request_handled = false;
  // One line per transition, for logs and Events: "key abc PUBLISHED (signs from ...)".
  std::vector<std::string> transitions;
  // When the next transition is due (unix seconds; 0 = none is scheduled).
  int64_t next_due = 0;
};

// Makes a new signing key (of the configured algorithm) whose phase the caller sets.
using KeyMaker = std::function<absl::StatusOr<SigningKey>(int64_t now)>;

// REQUIRES: CheckKeySet(keys).ok(). The result passes CheckKeySet too.
absl::StatusOr<RotationResult> RotateKeys(const std::vector<SigningKey>& keys,
                                          const RotationSettings& settings,
                                          const RotationInput& input, const KeyMaker& make_key);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_KEY_ROTATION_H_
