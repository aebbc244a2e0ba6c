#include "controller/kubeclient/cancellation.h"

#include <utility>

namespace nauthera::controller::kube {

void Cancellation::Cancel() {
  std::map<int, std::function<void()>> callbacks;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    callbacks.swap(callbacks_);
    running_ = true;
    running_on_ = std::this_thread::get_id();
  }
  for (auto& [id, callback] : callbacks) callback();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

bool Cancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

int Cancellation::AddCallback(std::function<void()> callback) {
  {
    absl::MutexLock lock(&mu_);
    if (!cancelled_) {
      callbacks_.emplace(next_id_, std::move(callback));
      return next_id_++;
    }
  }
  callback();
  return -1;
}

void Cancellation::RemoveCallback(int id) {
  absl::MutexLock lock(&mu_);
  callbacks_.erase(id);
  if (running_ && running_on_ == std::this_thread::get_id()) return;  // from a callback
  auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !running_; };
  mu_.Await(absl::Condition(&done));
}

bool Cancellation::SleepFor(absl::Duration duration) const {
  absl::MutexLock lock(&mu_);
  auto is_cancelled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cancelled_; };
  mu_.AwaitWithTimeout(absl::Condition(&is_cancelled), duration);
  return !cancelled_;
}

ScopedCancelCallback::ScopedCancelCallback(Cancellation* cancel, std::function<void()> callback)
    : cancel_(cancel) {
  if (cancel_ != nullptr) id_ = cancel_->AddCallback(std::move(callback));
}

ScopedCancelCallback::~ScopedCancelCallback() {
  if (cancel_ != nullptr && id_ >= 0) cancel_->RemoveCallback(id_);
}

}  // namespace nauthera::controller::kube
