// Publishes statuses after each reconcile: writes <state-dir>/status.txt and status.json
// (atomically), keeps the JSON for /status, and logs each change once: a row that appears or
// changes is logged, one that stays the same is not, whatever the poll rate.
#ifndef NAUTHERA_CONTROLLER_STATUS_STATUS_BOARD_H_
#define NAUTHERA_CONTROLLER_STATUS_STATUS_BOARD_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "common/util/mutex.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

class StatusBoard {
 public:
  // `state_dir` empty: no files (tests).
  explicit StatusBoard(std::string state_dir) : state_dir_(std::move(state_dir)) {}

  // Logs what changed since the last Update and writes the files.
  absl::Status Update(std::vector<ObjectStatus> statuses, const std::string& state_version);

  // The last JSON written (for /status); thread-safe.
  std::string Json() const;
  std::vector<ObjectStatus> Statuses() const;

 private:
  void LogChanges(const std::vector<ObjectStatus>& statuses);

  std::string state_dir_;
  std::map<std::string, ObjectStatus> previous_;  // Update's own (one reconcile thread)
  mutable Mutex mu_;
  std::string json_ ABSL_GUARDED_BY(mu_) = "{\"stateVersion\":\"\",\"objects\":[]}\n";
  std::vector<ObjectStatus> statuses_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_STATUS_STATUS_BOARD_H_
