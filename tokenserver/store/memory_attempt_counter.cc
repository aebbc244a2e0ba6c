#include "tokenserver/store/memory_attempt_counter.h"

namespace nauthera {
namespace {

constexpr size_t kMaxEntries = 100000;  // bounded memory under a spray of usernames

}  // namespace

absl::StatusOr<std::vector<AttemptRecord>> MemoryAttemptCounter::Get(
    const std::vector<std::string>& keys, int64_t now, int64_t forget_after) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AttemptRecord> out;
  for (const std::string& key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      out.emplace_back();
    } else if (now - it->second.last_failure >= forget_after) {
      entries_.erase(it);
      out.emplace_back();
    } else {
      out.push_back(it->second);
    }
  }
  return out;
}

absl::Status MemoryAttemptCounter::AddFailure(const std::vector<std::string>& keys, int64_t now,
                                              int64_t forget_after) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : keys) {
    if (entries_.size() >= kMaxEntries && entries_.find(key) == entries_.end()) {
      for (auto it = entries_.begin(); it != entries_.end();) {
        it = now - it->second.last_failure >= forget_after ? entries_.erase(it) : std::next(it);
      }
      if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    }
    AttemptRecord& entry = entries_[key];
    if (entry.failures > 0 && now - entry.last_failure >= forget_after) entry.failures = 0;
    ++entry.failures;
    entry.last_failure = now;
  }
  return absl::OkStatus();
}

absl::Status MemoryAttemptCounter::Clear(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
  return absl::OkStatus();
}

}  // namespace nauthera
