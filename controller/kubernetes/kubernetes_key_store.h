// The signing keys and the login session key in Secret <namespace>/nauthera-signing-keys
// (data."keys.json", data.session_key: the layout local mode writes to a file).
// Made once and never regenerated: a replica that finds no Secret makes a key set and
// creates the Secret; if another replica created it first (409 AlreadyExists) it reads and
// uses the winner's, so every replica signs and publishes the same keys.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/keys/key_ring.h"
#include "controller/kube/kube_client.h"

namespace nauthera::controller {

// Loads the key Secret in `ns`, or creates it. Retries unavailable answers until `deadline`.
// Fails without writing when the Secret exists but is not a usable key set (it must be
// repaired, never replaced).
absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreateKeySecret(kube::KubeClient& client,
                                                               const std::string& ns,
                                                               absl::Time deadline);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_
