// Failed-login counters behind an interface, so the attempt limits hold across every
// token-server replica (RedisStore) or within one (MemoryAttemptCounter). Keys are opaque
// strings chosen by LoginLimiter ("u:<username>", "a:<address>").
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

class AttemptCounter {
 public:
  virtual ~AttemptCounter() = default;

  // One record per key, in order; a key without failures in the last `forget_after` seconds
  // has a zero record. kUnavailable when the store cannot answer.
  virtual absl::StatusOr<std::vector<AttemptRecord>> Get(const std::vector<std::string>& keys,
                                                         int64_t now,
                                                         int64_t forget_after) = 0;
  // One more failure for every key at `now`; a record idle for `forget_after` starts over.
  virtual absl::Status AddFailure(const std::vector<std::string>& keys, int64_t now,
                                  int64_t forget_after) = 0;
  virtual absl::Status Clear(const std::string& key) = 0;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_ATTEMPT_COUNTER_H_
