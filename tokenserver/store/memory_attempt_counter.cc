#include "tokenserver/store/memory_attempt_counter.h"

#include <algorithm>

namespace nauthera {

absl::StatusOr<std::vector<AttemptRecord>> MemoryAttemptCounter::Get(
    const std::vector<std::string>& keys, int64_t now, int64_t forget_after) {
  MutexLock lock(&mu_);
  std::vector<AttemptRecord> out;
  for (const std::string& key : keys) {
    auto it = entries_.find(key);
    bool live = it != entries_.end() && now - it->second.record.last_failure < forget_after;
    out.push_back(live ? it->second.record : AttemptRecord{});
  }
  return out;
}

absl::StatusOr<int64_t> MemoryAttemptCounter::Reserve(const std::vector<AttemptRule>& rules,
                                                      const AttemptPolicy& policy,
                                                      int64_t now) {
  MutexLock lock(&mu_);
  // 1. The check, under the same lock as the count: no attempt slips between them.
  int64_t wait = 0;
  for (const AttemptRule& rule : rules) {
    auto it = entries_.find(rule.key);
    if (it == entries_.end()) continue;
    wait = std::max(wait, AttemptWait(it->second.record, rule.free_failures, policy, now));
  }
  if (wait > 0) return wait;
  // 2. Count the attempt as a failure now; Release takes it back if the password was right.
  for (const AttemptRule& rule : rules) {
    auto it = FindOrInsert(rule.key);
    AttemptRecord& record = it->second.record;
    if (now - record.last_failure >= policy.forget_after_seconds) record.failures = 0;
    ++record.failures;
    record.last_failure = now;
    // Forgotten after forget_after at the latest, whatever the delay.
    int64_t penalty = std::min(AttemptWait(record, rule.free_failures, policy, now),
                               policy.forget_after_seconds);
    SetRestriction(it, now + penalty);
  }
  return int64_t{0};
}

absl::Status MemoryAttemptCounter::Release(const std::vector<std::string>& clear,
                                           const std::vector<std::string>& refund) {
  MutexLock lock(&mu_);
  for (const std::string& key : clear) {
    if (auto it = entries_.find(key); it != entries_.end()) Erase(it);
  }
  for (const std::string& key : refund) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    // The entry keeps its place in the eviction order: it restricts no longer than before.
    if (--it->second.record.failures <= 0) Erase(it);
  }
  return absl::OkStatus();
}

size_t MemoryAttemptCounter::size() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

void MemoryAttemptCounter::Erase(Table::iterator it) {
  order_.erase({it->second.restricts_until, &it->first});
  entries_.erase(it);
}

MemoryAttemptCounter::Table::iterator MemoryAttemptCounter::FindOrInsert(
    const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return it;
  // Full: drop the entry that restricts least (order_'s first), never an arbitrary one such
  // as the map's first key, which an attacker could choose by the names they send.
  if (entries_.size() >= max_entries_ && !order_.empty()) {
    Erase(entries_.find(*order_.begin()->second));
  }
  it = entries_.emplace(key, Entry{}).first;
  order_.insert({0, &it->first});
  return it;
}

void MemoryAttemptCounter::SetRestriction(Table::iterator it, int64_t until) {
  order_.erase({it->second.restricts_until, &it->first});
  it->second.restricts_until = until;
  order_.insert({until, &it->first});
}

}  // namespace nauthera
