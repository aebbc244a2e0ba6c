#include "controller/keys/key_rotation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/status_macros.h"

namespace nauthera::controller {
namespace {

std::string Time(int64_t unix_seconds) {
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

// When the ACTIVE key began signing (keys from before rotation existed: their creation).
int64_t ActiveSince(const SigningKey& key) {
  return key.activated_at > 0 ? key.activated_at : key.created_at;
}

void Due(RotationResult& result, int64_t at) {
  if (at <= 0) return;
  result.next_due = result.next_due == 0 ? at : std::min(result.next_due, at);
}

}  // namespace

absl::Status ValidateRotationSettings(const RotationSettings& s) {
  if (s.publish_ahead_seconds < 2 * s.jwks_max_age_seconds || s.publish_ahead_seconds < 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--key-publish-ahead=", s.publish_ahead_seconds,
        "s is too short: a new key must be in the JWKS for at least twice its cache lifetime "
        "(--jwks-max-age=", s.jwks_max_age_seconds,
        "s) and 5s before it signs, or verifiers such as kube-apiserver meet an unknown kid; "
        "raise --key-publish-ahead or lower --jwks-max-age"));
  }
  if (s.period_seconds != 0 && s.period_seconds < 2 * s.publish_ahead_seconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--key-rotation-period=", s.period_seconds,
        "s must be 0 (rotate only when asked) or at least twice --key-publish-ahead=",
        s.publish_ahead_seconds, "s"));
  }
  if (s.retired_overlap_seconds < 0) {
    return absl::InvalidArgumentError("--key-retired-overlap must not be negative");
  }
  return absl::OkStatus();
}

absl::StatusOr<RotationResult> RotateKeys(const std::vector<SigningKey>& keys,
                                          const RotationSettings& settings,
                                          const RotationInput& input, const KeyMaker& make_key) {
  RotationResult result;
  const int64_t now = input.now;
  SigningKey* active = nullptr;
  SigningKey* published = nullptr;
  // 1. Forget retired keys whose tokens have all expired.
  for (const SigningKey& key : keys) {
    if (key.phase == KeyPhase::kRetired && key.remove_after > 0 && now >= key.remove_after) {
      result.changed = true;
      result.transitions.push_back(
          absl::StrCat("key ", key.kid, " removed from the JWKS (retired ",
                       Time(key.retired_at), "; every token it signed has expired)"));
      continue;
    }
    result.keys.push_back(key);
  }
  for (SigningKey& key : result.keys) {
    if (key.phase == KeyPhase::kActive) active = &key;
    if (key.phase == KeyPhase::kPublished) published = published ? published : &key;
  }
  if (active == nullptr) return absl::FailedPreconditionError("no ACTIVE signing key");
  // 2. The ACTIVE key remembers the longest lifetime of any token it may have signed.
  if (input.max_token_ttl_seconds > active->max_token_ttl) {
    active->max_token_ttl = input.max_token_ttl_seconds;
    result.changed = true;
  }
  // 3. A PUBLISHED key that every JWKS cache has seen takes over the signing.
  if (published != nullptr && now >= published->created_at + settings.publish_ahead_seconds) {
    int64_t keep = std::max(settings.retired_overlap_seconds,
                            active->max_token_ttl + settings.jwks_max_age_seconds +
                                kClockSkewSeconds);
    active->phase = KeyPhase::kRetired;
    active->retired_at = now;
    active->remove_after = now + keep;
    published->phase = KeyPhase::kActive;
    published->activated_at = now;
    published->max_token_ttl = input.max_token_ttl_seconds;
    result.changed = true;
    result.transitions.push_back(absl::StrCat("key ", published->kid,
                                              " ACTIVE: signs every new token"));
    result.transitions.push_back(absl::StrCat("key ", active->kid,
                                              " RETIRED: stays in the JWKS until ",
                                              Time(active->remove_after)));
    std::swap(active, published);
    published = nullptr;
  }
  // 4. Start a rotation when the ACTIVE key is due, or when asked.
  bool due = settings.period_seconds > 0 &&
             now >= ActiveSince(*active) + settings.period_seconds -
                        settings.publish_ahead_seconds;
  if (input.requested && published != nullptr) result.request_handled = true;
  if (published == nullptr && (due || input.requested)) {
    ASSIGN_OR_RETURN(SigningKey key, make_key(now));
    key.phase = KeyPhase::kPublished;
    key.created_at = now;
    result.transitions.push_back(absl::StrCat(
        "key ", key.kid, " PUBLISHED: in the JWKS now, signs from ",
        Time(now + settings.publish_ahead_seconds),
        input.requested ? " (rotation asked for)" : " (rotation period)"));
    result.keys.push_back(std::move(key));
    published = &result.keys.back();
    // result.keys may have moved: find the ACTIVE key again.
    for (SigningKey& k : result.keys) {
      if (k.phase == KeyPhase::kActive) active = &k;
    }
    result.changed = true;
    result.request_handled = input.requested;
  }
  // 5. What comes next.
  if (published != nullptr) Due(result, published->created_at + settings.publish_ahead_seconds);
  if (published == nullptr && settings.period_seconds > 0) {
    Due(result, ActiveSince(*active) + settings.period_seconds - settings.publish_ahead_seconds);
  }
  for (const SigningKey& key : result.keys) {
    if (key.phase == KeyPhase::kRetired) Due(result, key.remove_after);
  }
  RETURN_IF_ERROR(CheckKeySet(result.keys));
  return result;
}

}  // namespace nauthera::controller
