#include "tokenserver/store/attempt_counter.h"

#include <algorithm>

namespace nauthera {

int64_t AttemptWait(const AttemptRecord& record, int free_failures, const AttemptPolicy& policy,
                    int64_t now) {
  if (record.failures < free_failures) return 0;
  if (now - record.last_failure >= policy.forget_after_seconds) return 0;
  // 2 s after the first failure over the limit, doubling: never less than a whole second
  // however the clock's seconds fall.
  int over = std::min(record.failures - free_failures, 20);
  int64_t delay = std::min<int64_t>(int64_t{2} << over, policy.max_delay_seconds);
  return std::max<int64_t>(0, record.last_failure + delay - now);
}

}  // namespace nauthera
