// Exponential backoff with jitter for retries (watch reconnects, relists, lease renewals), as
// client-go's wait.Backoff: each delay doubles up to a cap, randomised by ±jitter so replicas
// that lost the API server together do not return in lockstep.
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_BACKOFF_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_BACKOFF_H_

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace nauthera::controller::kube {

class Backoff {
 public:
  Backoff(absl::Duration initial, absl::Duration max, double jitter = 0.2,
          uint32_t seed = std::random_device{}());

  // The delay before the next attempt: initial, 2×initial, ... up to max, each ±jitter.
  absl::Duration Next();
  // After a success: the next delay is `initial` again.
  void Reset() { current_ = absl::ZeroDuration(); }

 private:
  const absl::Duration initial_;
  const absl::Duration max_;
  const double jitter_;
  absl::Duration current_;
  std::minstd_rand random_;
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_BACKOFF_H_
