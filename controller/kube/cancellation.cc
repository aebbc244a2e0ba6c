#include "controller/kube/cancellation.h"

#include <utility>
#include <vector>

namespace nauthera::controller::kube {

void Cancellation::Cancel() {
  std::map<int, std::function<void()>> callbacks;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    callbacks.swap(callbacks_);
  }
  for (auto& [id, callback] : callbacks) callback();
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
