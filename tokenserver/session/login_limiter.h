// Login attempt limits: per username and per client address, a few free failures, then a
// delay that doubles with each further failure (capped), forgotten after a quiet period.
// Per replica; a shared store would make it cluster-wide (noted in docs).
#ifndef NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_
#define NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace nauthera {

class LoginLimiter {
 public:
  struct Limits {
    int free_failures_per_user = 5;
    int free_failures_per_address = 20;
    int64_t max_delay_seconds = 900;
    int64_t forget_after_seconds = 900;
  };
  LoginLimiter() : LoginLimiter(Limits{}) {}
  explicit LoginLimiter(Limits limits) : limits_(limits) {}

  // Seconds to wait before the next attempt may be checked; 0 means go ahead.
  int64_t RetryAfter(const std::string& username, const std::string& address, int64_t now);
  void RecordFailure(const std::string& username, const std::string& address, int64_t now);
  void RecordSuccess(const std::string& username, const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_failure = 0;
  };
  int64_t WaitFor(const std::string& key, int free_failures, int64_t now);
  void Fail(const std::string& key, int64_t now);

  Limits limits_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_
