#include "controller/kubeclient/backoff.h"

#include <algorithm>

namespace nauthera::controller::kube {

Backoff::Backoff(absl::Duration initial, absl::Duration max, double jitter, uint32_t seed)
    : initial_(initial), max_(std::max(initial, max)), jitter_(jitter), random_(seed) {}

absl::Duration Backoff::Next() {
  current_ = current_ == absl::ZeroDuration() ? initial_ : std::min(current_ * 2, max_);
  std::uniform_real_distribution<double> spread(1.0 - jitter_, 1.0 + jitter_);
  return current_ * spread(random_);
}

}  // namespace nauthera::controller::kube
