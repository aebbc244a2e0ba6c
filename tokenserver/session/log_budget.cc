#include "tokenserver/session/log_budget.h"

namespace nauthera {

bool LogBudget::Allow(int64_t now, int64_t* left_out) {
  MutexLock lock(&mu_);
  if (now != second_) {
    second_ = now;
    used_ = 0;
  }
  if (used_ >= per_second_) {
    ++left_out_;
    return false;
  }
  ++used_;
  *left_out = left_out_;
  left_out_ = 0;
  return true;
}

}  // namespace nauthera
