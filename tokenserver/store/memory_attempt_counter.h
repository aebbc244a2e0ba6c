// AttemptCounter in process memory (one replica), bounded under a spray of usernames.
#ifndef NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_
#define NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_

#include <map>
#include <mutex>

#include "tokenserver/store/attempt_counter.h"

namespace nauthera {

class MemoryAttemptCounter : public AttemptCounter {
 public:
  absl::StatusOr<std::vector<AttemptRecord>> Get(const std::vector<std::string>& keys,
                                                 int64_t now, int64_t forget_after) override;
  absl::Status AddFailure(const std::vector<std::string>& keys, int64_t now,
                          int64_t forget_after) override;
  absl::Status Clear(const std::string& key) override;

 private:
  std::mutex mu_;
  std::map<std::string, AttemptRecord> entries_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_
