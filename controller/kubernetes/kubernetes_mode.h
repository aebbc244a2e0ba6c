// Kubernetes mode, assembled: the API client (kubeconfig or in-cluster), the source, the
// credentials store, the signing keys, leader election and the status writer. ControllerApp
// runs the same reconcile loop over it as over the folder of local mode.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_MODE_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_MODE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/keys/key_ring.h"
#include "controller/keys/key_store.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubeclient/leader_elector.h"
#include "controller/kubernetes/kubernetes_credential_store.h"
#include "controller/kubernetes/kubernetes_source.h"
#include "controller/kubernetes/status_writer.h"

namespace nauthera::controller {

// What Kubernetes mode needs from the controller's flags (controller/app/options.h).
struct KubernetesModeOptions {
  std::string kubeconfig;   // a kubeconfig file, or
  bool in_cluster = false;  // the Pod's service-account token and CA
  std::string ns;           // the controller's own namespace; "" = the kubeconfig's default
  std::string watch_namespace;  // "" = every namespace
  bool leader_elect = false;
  absl::Duration lease_duration = absl::Seconds(15);
  std::string signing_algorithm = "RS256";  // of the first key, when none exists
};

class KubernetesMode {
 public:
  // Connects, starts the watches, loads or creates the signing keys and starts leader
  // election. The source and store are handed to the caller (TakeSource / TakeStore) but
  // use this object's client: it must outlive them.
  // `on_change` is called from watch threads after any watched object changes.
  static absl::StatusOr<std::unique_ptr<KubernetesMode>> Start(
      const KubernetesModeOptions& options, std::function<void()> on_change = nullptr);
  ~KubernetesMode();

  std::unique_ptr<KubernetesSource> TakeSource() { return std::move(source_); }
  std::unique_ptr<KubernetesCredentialStore> TakeStore() { return std::move(store_); }
  std::unique_ptr<KeyRing> TakeKeys() { return std::move(keys_); }
  // The key Secret, for rotation (uses this object's client too).
  std::unique_ptr<KeyStore> TakeKeyStore() { return std::move(key_store_); }

  // Every watch has listed once: a reconcile now sees everything.
  bool Synced() const;
  // This replica may write (it leads, or leader election is off).
  bool Writes() const { return !elector_ || elector_->IsLeader(); }
  // After a reconcile: writes the statuses that changed (only when Writes()).
  absl::Status PublishStatuses(const std::vector<ObjectStatus>& statuses);
  // Releases the Lease (if held) and stops the watches' writer side.
  void Stop();

  const std::string& ns() const { return ns_; }
  const std::string& identity() const { return identity_; }

 private:
  KubernetesMode() = default;

  std::string ns_;
  std::string identity_;
  std::unique_ptr<kube::KubeClient> client_;
  KubernetesSource* source_view_ = nullptr;
  KubernetesCredentialStore* store_view_ = nullptr;
  std::unique_ptr<KubernetesSource> source_;
  std::unique_ptr<KubernetesCredentialStore> store_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<KeyStore> key_store_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::unique_ptr<StatusWriter> status_writer_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_MODE_H_
