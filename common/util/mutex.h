// A mutex, its scoped lock and a condition variable that clang's -Wthread-safety understands
// (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED; checked by the TSan build,
// docs/sanitizers.md) and that ThreadSanitizer sees.
//
// Why not absl::Mutex, which carries the same annotations: Debian's libabsl is not built with
// TSan, so its Lock and Unlock (in the shared library) are invisible to it, and every access
// an absl::Mutex guards is reported as a data race. These wrap std::mutex, whose pthread calls
// TSan intercepts. The interface follows absl's (Lock/Unlock, MutexLock, CondVar::Wait).
#ifndef NAUTHERA_COMMON_UTIL_MUTEX_H_
#define NAUTHERA_COMMON_UTIL_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace nauthera {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // Tells the analysis the calling thread holds the mutex (inside a lambda a CondVar calls
  // with it held, for instance); checks nothing at run time.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `*mu` from construction to the end of the scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  // REQUIRES: `*mu` held. Releases it while asleep and holds it again on return, which may
  // be spurious: callers loop on their condition (or use the predicate forms).
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's MutexLock unlocks it
  }

  // REQUIRES: `*mu` held. Waits until `done()` (called with `*mu` held; a lambda reading
  // guarded members calls mu->AssertHeld() first) or until `timeout` passes; returns done().
  template <typename Predicate>
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout, Predicate done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    bool result = cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), done);
    lock.release();
    return result;
  }

  // As above, until `deadline` (a std::chrono::steady_clock time).
  template <typename Predicate>
  bool WaitUntil(Mutex* mu, std::chrono::steady_clock::time_point deadline, Predicate done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    bool result = cv_.wait_until(lock, deadline, done);
    lock.release();
    return result;
  }

  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_UTIL_MUTEX_H_
