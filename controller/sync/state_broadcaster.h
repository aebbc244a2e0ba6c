// Holds the newest State and wakes every stream waiting for a newer one. Publishers replace
// the whole State (an immutable snapshot); readers never see one half-built.
#ifndef NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_
#define NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "absl/time/time.h"
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
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] {
      return shutdown_ || stop() || (latest_ && latest_->version() != known_version);
    });
    if (latest_ && latest_->version() != known_version && !shutdown_) return latest_;
    return nullptr;
  }

  // Wakes every waiter for good (process shutdown).
  void Shutdown();
  bool shut_down() const;
  // Wakes every waiter so it can re-check its stop condition.
  void WakeAll() { cv_.notify_all(); }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  StatePtr latest_;
  bool shutdown_ = false;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SYNC_STATE_BROADCASTER_H_
