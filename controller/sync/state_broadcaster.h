// Holds the newest State and wakes every stream waiting for a newer one. Publishers replace
// the whole State (an immutable snapshot); readers never see one half-built.
#ifndef NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_
#define NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/util/mutex.h"
#include "nauthera/v1/state.pb.h"

namespace nauthera::controller {

class StateBroadcaster {
 public:
  using StatePtr = std::shared_ptr<const nauthera::v1::State>;

  // Makes `state` the newest and wakes the waiters. REQUIRES: it passed the consistency check.
  void Publish(StatePtr state);

  // The newest State, or null before the first Publish.
  StatePtr Latest() const;

  // Waits until a State whose version differs from `known_version` is published, the
  // broadcaster shuts down, `stop()` is true or `timeout` passes; returns that State or null.
  template <typename StopFn>
  StatePtr WaitForNewer(const std::string& known_version, absl::Duration timeout, StopFn stop) {
    MutexLock lock(&mu_);
    cv_.WaitWithTimeout(&mu_, timeout, [&] {
      mu_.AssertHeld();
      return shutdown_ || stop() || (latest_ && latest_->version() != known_version);
    });
    if (latest_ && latest_->version() != known_version && !shutdown_) return latest_;
    return nullptr;
  }

  // Wakes every waiter for good (process shutdown).
  void Shutdown();
  bool shut_down() const;
  // Wakes every waiter so it can re-check its stop condition.
  void WakeAll() { cv_.SignalAll(); }

 private:
  mutable Mutex mu_;
  CondVar cv_;
  StatePtr latest_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_
