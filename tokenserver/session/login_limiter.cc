#include "tokenserver/session/login_limiter.h"

#include <algorithm>

namespace nauthera {
namespace {

constexpr size_t kMaxEntries = 100000;  // bounded memory under a spray of usernames

}  // namespace

int64_t LoginLimiter::WaitFor(const std::string& key, int free_failures, int64_t now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  Entry& entry = it->second;
  if (now - entry.last_failure >= limits_.forget_after_seconds) {
    entries_.erase(it);
    return 0;
  }
  if (entry.failures < free_failures) return 0;
  // 2 s after the first failure over the limit, doubling: never less than a whole second
  // however the clock's seconds fall.
  int over = std::min(entry.failures - free_failures, 20);
  int64_t delay = std::min<int64_t>(int64_t{2} << over, limits_.max_delay_seconds);
  return std::max<int64_t>(0, entry.last_failure + delay - now);
}

void LoginLimiter::Fail(const std::string& key, int64_t now) {
  if (entries_.size() >= kMaxEntries && entries_.find(key) == entries_.end()) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = now - it->second.last_failure >= limits_.forget_after_seconds ? entries_.erase(it)
                                                                          : std::next(it);
    }
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
  }
  Entry& entry = entries_[key];
  ++entry.failures;
  entry.last_failure = now;
}

int64_t LoginLimiter::RetryAfter(const std::string& username, const std::string& address,
                                 int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  return std::max(WaitFor("u:" + username, limits_.free_failures_per_user, now),
                  WaitFor("a:" + address, limits_.free_failures_per_address, now));
}

void LoginLimiter::RecordFailure(const std::string& username, const std::string& address,
                                 int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  Fail("u:" + username, now);
  Fail("a:" + address, now);
}

void LoginLimiter::RecordSuccess(const std::string& username, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase("u:" + username);
  (void)address;  // one success does not clear an address that sprays other accounts
}

}  // namespace nauthera
