#include "tokenserver/session/login_limiter.h"

#include <algorithm>

#include "tokenserver/store/memory_attempt_counter.h"

namespace nauthera {

LoginLimiter::LoginLimiter(Limits limits)
    : limits_(limits),
      owned_(std::make_unique<MemoryAttemptCounter>()),
      counter_(owned_.get()) {}

LoginLimiter::LoginLimiter(Limits limits, AttemptCounter* counter)
    : limits_(limits), counter_(counter) {}

LoginLimiter::~LoginLimiter() = default;

int64_t LoginLimiter::WaitFor(const AttemptRecord& record, int free_failures,
                              int64_t now) const {
  if (record.failures < free_failures) return 0;
  // 2 s after the first failure over the limit, doubling: never less than a whole second
  // however the clock's seconds fall.
  int over = std::min(record.failures - free_failures, 20);
  int64_t delay = std::min<int64_t>(int64_t{2} << over, limits_.max_delay_seconds);
  return std::max<int64_t>(0, record.last_failure + delay - now);
}

absl::StatusOr<int64_t> LoginLimiter::RetryAfter(const std::string& username,
                                                 const std::string& address, int64_t now) {
  auto records =
      counter_->Get({"u:" + username, "a:" + address}, now, limits_.forget_after_seconds);
  if (!records.ok()) return records.status();
  return std::max(WaitFor((*records)[0], limits_.free_failures_per_user, now),
                  WaitFor((*records)[1], limits_.free_failures_per_address, now));
}

absl::Status LoginLimiter::RecordFailure(const std::string& username,
                                         const std::string& address, int64_t now) {
  return counter_->AddFailure({"u:" + username, "a:" + address}, now,
                              limits_.forget_after_seconds);
}

absl::Status LoginLimiter::RecordSuccess(const std::string& username,
                                         const std::string& address) {
  (void)address;  // one success does not clear an address that sprays other accounts
  return counter_->Clear("u:" + username);
}

}  // namespace nauthera
