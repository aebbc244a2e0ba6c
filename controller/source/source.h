// Where the controller's objects come from. FolderSource reads a folder of manifests (local
// mode); a Kubernetes API source (list + watch) implements the same interface later. Both
// hand the reconcilers the complete current set, never events: reconciliation is level-based.
#ifndef NAUTHERA_CONTROLLER_SOURCE_SOURCE_H_
#define NAUTHERA_CONTROLLER_SOURCE_SOURCE_H_

#include <vector>

#include "controller/api/decode.h"
#include "controller/api/types.h"

namespace nauthera::controller {

struct SourceState {
  // Sorted by key, one object per key. An object whose document is broken now is here in its
  // last good version (with an error in `errors` naming its key), so a typo never deletes it.
  std::vector<ApiObject> objects;
  std::vector<DecodeError> errors;
  // False when an error may hide an object the origin still holds (a file that is not valid
  // YAML, a document whose object cannot be identified, an unreadable folder) and that was not
  // seen before. Deleting whatever is missing (garbage collection) must wait until it is true.
  bool complete = true;
};

class Source {
 public:
  virtual ~Source() = default;

  // Brings Current() up to date with the origin. Returns true when it changed since the last
  // call; the first call returns true. Cheap when nothing changed: it is called every poll.
  virtual bool Refresh() = 0;

  virtual const SourceState& Current() const = 0;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SOURCE_SOURCE_H_
