// Where the signing-key Secret lives: a manifest file in local mode
// (<state-dir>/keys/nauthera-signing-keys.yaml) or a Secret in the controller's namespace.
// Both hold the decoded data "keys.json", "session_key" and "rotation_handled", and the
// annotation auth.nauthera.io/rotate, which a person sets to ask for a rotation:
//   kubectl annotate secret nauthera-signing-keys -n nauthera-system
//     auth.nauthera.io/rotate="$(date +%s)" --overwrite   (one command line)
#ifndef NAUTHERA_CONTROLLER_KEYS_KEY_STORE_H_
#define NAUTHERA_CONTROLLER_KEYS_KEY_STORE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller {

inline constexpr absl::string_view kRotateAnnotation = "auth.nauthera.io/rotate";

struct StoredKeys {
  std::map<std::string, std::string> data;  // decoded
  std::string rotate_request;               // the annotation's value, "" when absent
  std::string version;                      // resourceVersion ("" for files)
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // NotFound when there is no key Secret yet.
  virtual absl::StatusOr<StoredKeys> Load() = 0;
  // `version` "" creates it (AlreadyExists when another replica was first); otherwise
  // replaces the data of the version Load returned (Aborted when it changed since), keeping
  // its labels and annotations.
  virtual absl::Status Save(const std::map<std::string, std::string>& data,
                            const std::string& version) = 0;
  // "file /var/lib/nauthera/keys/..." or "secret nauthera-system/nauthera-signing-keys".
  virtual std::string Where() const = 0;
};

// The local-mode file.
std::unique_ptr<KeyStore> MakeFileKeyStore(const std::string& path);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_KEY_STORE_H_
