#include "controller/sync/state_broadcaster.h"

namespace nauthera::controller {

void StateBroadcaster::Publish(StatePtr state) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    latest_ = std::move(state);
  }
  cv_.notify_all();
}

StateBroadcaster::StatePtr StateBroadcaster::Latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

void StateBroadcaster::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
}

bool StateBroadcaster::shut_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutdown_;
}

}  // namespace nauthera::controller
