#include "controller/sync/state_broadcaster.h"

namespace nauthera::controller {

void StateBroadcaster::Publish(StatePtr state) {
  {
    MutexLock lock(&mu_);
    latest_ = std::move(state);
  }
  cv_.SignalAll();
}

StateBroadcaster::StatePtr StateBroadcaster::Latest() const {
  MutexLock lock(&mu_);
  return latest_;
}

void StateBroadcaster::Shutdown() {
  {
    MutexLock lock(&mu_);
    shutdown_ = true;
  }
  cv_.SignalAll();
}

bool StateBroadcaster::shut_down() const {
  MutexLock lock(&mu_);
  return shutdown_;
}

}  // namespace nauthera::controller
