// A cap on log lines an outsider can cause (failed logins): at most `per_second` lines in
// any one second of the injected clock; the lines over it are counted and the next line
// that may be written carries how many were left out. Thread-safe.
#ifndef NAUTHERA_TOKENSERVER_SESSION_LOG_BUDGET_H_
#define NAUTHERA_TOKENSERVER_SESSION_LOG_BUDGET_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

namespace nauthera {

class LogBudget {
 public:
  explicit LogBudget(int per_second) : per_second_(per_second) {}

  // True when a line may be written at `now` (unix seconds); then *left_out is the number of
  // lines refused since the last one allowed (0 when none).
  bool Allow(int64_t now, int64_t* left_out);

 private:
  const int per_second_;
  Mutex mu_;
  int64_t second_ ABSL_GUARDED_BY(mu_) = 0;
  int used_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t left_out_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_LOG_BUDGET_H_
