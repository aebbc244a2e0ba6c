#include "controller/keys/key_manager.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "controller/metrics/controller_metrics.h"

namespace nauthera::controller {
namespace {

// Two key sets publish the same JWKS and sign alike (the bookkeeping may differ).
bool SameKeys(const std::vector<SigningKey>& a, const std::vector<SigningKey>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].kid != b[i].kid || a[i].phase != b[i].phase) return false;
  }
  return true;
}

std::string TransitionName(const std::string& line) {
  for (const char* name : {"PUBLISHED", "ACTIVE", "RETIRED", "removed"}) {
    if (line.find(name) != std::string::npos) return name;
  }
  return "other";
}

}  // namespace

KeyManager::KeyManager(std::unique_ptr<KeyStore> store, std::unique_ptr<KeyRing> ring,
                       Options options)
    : store_(std::move(store)), ring_(std::move(ring)), options_(std::move(options)) {
  UpdateSummary();
}

bool KeyManager::Adopt(const std::map<std::string, std::string>& data, absl::string_view why) {
  // Most ticks read what was read (or written) last time: nothing to parse.
  if (data == last_stored_) return false;
  absl::StatusOr<std::unique_ptr<KeyRing>> stored = KeyRing::FromSecretData(data);
  if (!stored.ok()) {
    std::string error(stored.status().message());
    if (error != last_error_) {
      LogError("the signing-key Secret cannot be used; keeping the keys in memory",
               {{"where", store_->Where()}, {"error", error}});
    }
    last_error_ = error;
    return false;
  }
  if ((*stored)->session_key() != ring_->session_key()) {
    // Only a restore from elsewhere does this; every login session ends.
    LogWarning("the login session key in the key Secret changed", {{"where", store_->Where()}});
  }
  last_error_.clear();
  last_stored_ = data;
  bool changed = !SameKeys((*stored)->keys(), ring_->keys());
  if (changed) {
    LogInfo("signing keys updated", {{"where", store_->Where()}, {"why", std::string(why)}});
  }
  *ring_ = std::move(**stored);  // in place: the reconciler holds a reference
  return changed;
}

void KeyManager::Record(const std::vector<std::string>& transitions, int64_t next_due) {
  for (const std::string& line : transitions) {
    LogInfo("signing key rotation", {{"transition", line}, {"where", store_->Where()}});
    Metrics::Global().Increment(metric::kKeyTransitions, {TransitionName(line)});
  }
  next_due_ = next_due;
  Metrics::Global().Set(metric::kKeyNextTransition, {}, static_cast<double>(next_due));
}

bool KeyManager::Tick(int64_t now, int64_t max_token_ttl_seconds) {
  bool due = next_due_ > 0 && now >= next_due_;
  if (now < next_check_ && !due) return false;
  next_check_ = now + options_.check_interval_seconds;
  bool changed = false;
  // 1. What the Secret holds now (another replica may have rotated, a person may ask).
  absl::StatusOr<StoredKeys> stored = store_->Load();
  bool writes = options_.may_write();
  if (!stored.ok()) {
    if (absl::IsNotFound(stored.status()) && writes) {
      // Deleted by hand: the keys in memory are the only copy; write them back.
      LogWarning("the signing-key Secret is gone; writing the keys in use back",
                 {{"where", store_->Where()}});
      absl::Status saved = store_->Save(ring_->ToSecretData(), "");
      if (!saved.ok()) Metrics::Global().Increment(metric::kKeyStoreErrors);
    } else {
      Metrics::Global().Increment(metric::kKeyStoreErrors);
      std::string error(stored.status().message());
      if (error != last_error_) {
        LogWarning("cannot read the signing-key Secret; will retry",
                   {{"where", store_->Where()}, {"error", error}});
      }
      last_error_ = error;
    }
    return false;
  }
  changed = Adopt(stored->data, "the key Secret changed");
  if (!writes) {
    if (changed) UpdateSummary();
    return changed;
  }
  // 2. The leader rotates, saves, and only then uses the new set.
  RotationInput input;
  input.now = now;
  input.max_token_ttl_seconds = max_token_ttl_seconds;
  input.requested = !stored->rotate_request.empty() &&
                    stored->rotate_request != ring_->rotation_handled();
  absl::StatusOr<RotationResult> result =
      RotateKeys(ring_->keys(), options_.rotation, input, options_.make_key);
  if (!result.ok()) {
    LogError("signing key rotation failed; will retry",
             {{"error", std::string(result.status().message())}});
    return changed;
  }
  if (result->changed || result->request_handled) {
    KeyRing next = *ring_;
    next.Replace(result->keys, result->request_handled ? stored->rotate_request
                                                       : ring_->rotation_handled());
    absl::Status saved = store_->Save(next.ToSecretData(), stored->version);
    if (!saved.ok()) {
      // Conflict: someone wrote since we read; the next tick starts from their version.
      Metrics::Global().Increment(metric::kKeyStoreErrors);
      LogWarning("could not save the rotated signing keys; will retry",
                 {{"where", store_->Where()}, {"error", std::string(saved.message())}});
      next_check_ = now;  // retry on the next tick
      if (changed) UpdateSummary();
      return changed;
    }
    bool keys_changed = !SameKeys(next.keys(), ring_->keys());
    last_stored_ = next.ToSecretData();
    *ring_ = std::move(next);
    changed = changed || keys_changed;
  }
  Record(result->transitions, result->next_due);
  UpdateSummary();
  return changed;
}

void KeyManager::UpdateSummary() {
  std::vector<KeySummary> summary;
  std::map<std::string, int> phases = {{"PUBLISHED", 0}, {"ACTIVE", 0}, {"RETIRED", 0}};
  for (const SigningKey& key : ring_->keys()) {
    summary.push_back(KeySummary{key.kid, std::string(KeyPhaseName(key.phase)), key.created_at,
                                 key.activated_at, key.retired_at, key.remove_after});
    ++phases[std::string(KeyPhaseName(key.phase))];
  }
  for (const auto& [phase, count] : phases) {
    Metrics::Global().Set(metric::kSigningKeys, {phase}, count);
  }
  MutexLock lock(&mu_);
  summary_ = std::move(summary);
}

std::vector<KeySummary> KeyManager::Summary() const {
  MutexLock lock(&mu_);
  return summary_;
}

}  // namespace nauthera::controller
