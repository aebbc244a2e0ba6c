// Login attempt limits in the shape of the OWASP Authentication Cheat Sheet ("Account
// Lockout", "Login Throttling"): a lock per account and client address (5 free failures),
// and a throttle per address (20 free failures, whatever the accounts), each followed by a
// delay that doubles with each further failure (capped), forgotten after a quiet period.
// There is no lock per account alone: failures from other addresses never hold back the
// account's owner at her own address. Behind a proxy, the address is the one the trusted
// proxies report (tokenserver/http/client_address.h).
//
// An attempt is reserved before the password is verified, atomically with the check
// (AttemptCounter::Reserve): concurrent guesses cannot all pass one check.
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
    int free_failures_per_account_address = 5;
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

  // Before the password is verified: 0 means go ahead, and the attempt now counts as a
  // failure until Succeeded; otherwise the seconds to wait, and nothing was counted.
  // kUnavailable when the counters cannot be used (the caller refuses the attempt: fail
  // closed).
  absl::StatusOr<int64_t> Reserve(const std::string& username, const std::string& address,
                                  int64_t now);
  // The reserved attempt's password was right: the account+address lock is cleared and the
  // address gets its reserved attempt back (one success does not clear an address that
  // sprays other accounts).
  absl::Status Succeeded(const std::string& username, const std::string& address);

  // The counter keys (for tests and the Redis key layout): unambiguous for any username.
  static std::string AccountAddressKey(const std::string& username, const std::string& address);
  static std::string AddressKey(const std::string& address);

 private:
  Limits limits_;
  std::unique_ptr<AttemptCounter> owned_;
  AttemptCounter* counter_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_LOGIN_LIMITER_H_
