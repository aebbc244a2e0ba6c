// The newest good snapshot, swapped atomically. Readers never block writers.
#ifndef NAUTHERA_TOKENSERVER_STATE_STATE_HOLDER_H_
#define NAUTHERA_TOKENSERVER_STATE_STATE_HOLDER_H_

#include <atomic>
#include <memory>

#include "tokenserver/state/snapshot.h"

namespace nauthera {

class StateHolder {
 public:
  // nullptr until the first state has been applied (the token server is not ready then).
  std::shared_ptr<const Snapshot> Get() const { return std::atomic_load(&current_); }
  void Set(std::shared_ptr<const Snapshot> snapshot) {
    std::atomic_store(&current_, std::move(snapshot));
  }

 private:
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STATE_STATE_HOLDER_H_
