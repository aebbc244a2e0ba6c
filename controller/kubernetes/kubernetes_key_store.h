// The signing keys and the login session key in Secret <namespace>/nauthera-signing-keys
// (the layout local mode writes to a file; see controller/keys/key_store.h). Every replica
// uses the one Secret: the first to find none creates it; a replica that loses that race
// (409 AlreadyExists) uses the winner's. Rotation replaces its data with the
// resourceVersion it read (409 Conflict when someone wrote since).
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/keys/key_ring.h"
#include "controller/keys/key_store.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller {

// `client` must outlive the store.
std::unique_ptr<KeyStore> MakeKubernetesKeyStore(kube::KubeClient& client, const std::string& ns);

// Loads the key Secret from `store`, or creates it. Retries unavailable answers until
// `deadline`. Fails without writing when the Secret exists but is not a usable key set (it
// must be repaired, never replaced).
absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreateKeySecret(
    KeyStore& store, absl::Time deadline, absl::string_view algorithm = "RS256");

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_KEY_STORE_H_
