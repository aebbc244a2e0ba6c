// A thread-safe "stop now" signal for long calls (watches, backoff sleeps, the informer and
// leader-election loops). Cancel() wakes every sleeper and runs the registered callbacks, which
// is how a watch blocked on a quiet connection is interrupted (the transport closes it).
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_CANCELLATION_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_CANCELLATION_H_

#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace nauthera::controller::kube {

class Cancellation {
 public:
  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  void Cancel();
  bool cancelled() const;

  // Runs `callback` on Cancel(), or at once (on this thread) if already cancelled. Returns an
  // id for RemoveCallback. Callbacks run without the lock held and must be quick.
  int AddCallback(std::function<void()> callback);
  // After it returns the callback is not running and will not run, so what it refers to may
  // be destroyed. (It waits for a Cancel() running callbacks on another thread.)
  void RemoveCallback(int id);

  // Waits `duration` or until cancelled; returns false when cancelled.
  bool SleepFor(absl::Duration duration) const;

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  int next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, std::function<void()>> callbacks_ ABSL_GUARDED_BY(mu_);
  // Set while Cancel() runs the callbacks, on that thread.
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  std::thread::id running_on_ ABSL_GUARDED_BY(mu_);
};

// Registers a callback for the lifetime of a scope. `cancel` may be null.
class ScopedCancelCallback {
 public:
  ScopedCancelCallback(Cancellation* cancel, std::function<void()> callback);
  ~ScopedCancelCallback();
  ScopedCancelCallback(const ScopedCancelCallback&) = delete;
  ScopedCancelCallback& operator=(const ScopedCancelCallback&) = delete;

 private:
  Cancellation* cancel_;
  int id_ = -1;
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_CANCELLATION_H_
