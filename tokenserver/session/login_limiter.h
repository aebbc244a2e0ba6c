// Login attempt limits: per username and per client address, a few free failures, then a
// delay that doubles with each further failure (capped), forgotten after a quiet period.
// The counters live in an AttemptCounter: in memory for one replica, in Redis (RedisStore)
// so that failures on one replica count on all of them.
#ifndef NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_
#define NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tokenserver/store/attempt_counter.h"

namespace nauthera {

class LoginLimiter {
 public:
  struct Limits {
    int free_failures_per_user = 5;
    int free_failures_per_address = 20;
    int64_t max_delay_seconds = 900;
    int64_t forget_after_seconds = 900;
  };
  // Counters in this process's memory.
  LoginLimiter() : LoginLimiter(Limits{}) {}
  explicit LoginLimiter(Limits limits);
  // Counters in `counter` (not owned; outlives the limiter).
  LoginLimiter(Limits limits, AttemptCounter* counter);
  ~LoginLimiter();

  // Seconds to wait before the next attempt may be checked; 0 means go ahead. kUnavailable
  // when the counters cannot be read (the caller refuses the attempt: fail closed).
  absl::StatusOr<int64_t> RetryAfter(const std::string& username, const std::string& address,
                                     int64_t now);
  absl::Status RecordFailure(const std::string& username, const std::string& address,
                             int64_t now);
  absl::Status RecordSuccess(const std::string& username, const std::string& address);

 private:
  int64_t WaitFor(const AttemptRecord& record, int free_failures, int64_t now) const;

  Limits limits_;
  std::unique_ptr<AttemptCounter> owned_;
  AttemptCounter* counter_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_
