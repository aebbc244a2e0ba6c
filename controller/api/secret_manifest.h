// A Kubernetes core/v1 Secret as a manifest file: what local mode writes where a cluster
// would hold a Secret object, in a form `kubectl apply -f` accepts unchanged.
#ifndef NAUTHERA_CONTROLLER_API_SECRET_MANIFEST_H_
#define NAUTHERA_CONTROLLER_API_SECRET_MANIFEST_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller {

inline constexpr absl::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr absl::string_view kManagedByValue = "nauthera";
// "OidcClient/kubectl": the object whose credentials these are. A cluster uses an
// ownerReference (with the owner's uid) for garbage collection; local mode has no uids.
inline constexpr absl::string_view kOwnerAnnotation = "auth.nauthera.io/owner";

struct SecretManifest {
  std::string name;
  std::string ns;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  // Decoded values; written base64-encoded under `data` (Secret type Opaque).
  std::map<std::string, std::string> data;
};

// The YAML text, with `comment` (one or more lines, without '#') at the top. Each data value
// is written unquoted on its own line ("  client_id: <base64>"), so shell scripts can read it
// with grep and awk.
std::string RenderSecretManifest(const SecretManifest& secret, absl::string_view comment);

// Parses text written by RenderSecretManifest (or by hand, or by kubectl): apiVersion v1,
// kind Secret, metadata.name, base64 `data`. Fails with DataLoss when it is not that.
absl::StatusOr<SecretManifest> ParseSecretManifest(absl::string_view text);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_SECRET_MANIFEST_H_
