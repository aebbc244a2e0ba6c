// Login attempt counters behind an interface, so the attempt limits hold across every
// token-server replica (RedisStore) or within one (MemoryAttemptCounter). Keys are opaque
// strings chosen by LoginLimiter (one per account+address, one per address).
//
// An attempt is reserved before the password is checked, atomically with the check of the
// limits (one mutex hold, one Lua script): N concurrent attempts against a limit of k get at
// most k reservations, never N checks followed by N records. A reserved attempt counts as a
// failure until Release takes it back.
#ifndef NAUTHERA_TOKENSERVER_STORE_ATTEMPT_COUNTER_H_
#define NAUTHERA_TOKENSERVER_STORE_ATTEMPT_COUNTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nauthera {

struct AttemptRecord {
  int failures = 0;
  int64_t last_failure = 0;  // unix seconds; 0 when there is no record
};

// One counter an attempt is checked against, and how many failures it forgives.
struct AttemptRule {
  std::string key;
  int free_failures = 5;
};

struct AttemptPolicy {
  int64_t max_delay_seconds = 900;
  int64_t forget_after_seconds = 900;  // a record idle this long is forgotten
};

// Seconds until `record` allows another attempt at `now`: none while it has fewer than
// `free_failures`, then 2 s after the last failure, doubling with each further failure up to
// max_delay; 0 once the record is forgotten. RedisStore's Lua script computes the same.
int64_t AttemptWait(const AttemptRecord& record, int free_failures, const AttemptPolicy& policy,
                    int64_t now);

class AttemptCounter {
 public:
  virtual ~AttemptCounter() = default;

  // One record per key, in order; a forgotten key has a zero record. kUnavailable when the
  // store cannot answer.
  virtual absl::StatusOr<std::vector<AttemptRecord>> Get(const std::vector<std::string>& keys,
                                                         int64_t now,
                                                         int64_t forget_after) = 0;
  // Atomically: the longest AttemptWait over `rules`; when it is 0, one more failure at `now`
  // is counted on every rule's key before anyone else can check them. Nothing is counted
  // when the answer is a wait.
  virtual absl::StatusOr<int64_t> Reserve(const std::vector<AttemptRule>& rules,
                                          const AttemptPolicy& policy, int64_t now) = 0;
  // A reserved attempt turned out right: the `clear` keys are forgotten, and the `refund`
  // keys get their reserved failure back (a record at zero is forgotten).
  virtual absl::Status Release(const std::vector<std::string>& clear,
                               const std::vector<std::string>& refund) = 0;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_ATTEMPT_COUNTER_H_
