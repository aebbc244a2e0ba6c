// The controller's objects from the Kubernetes API (the alternative to FolderSource): one
// Informer (list-then-watch cache) per kind -- the five Nauthera kinds, Namespaces (their
// labels select ClusterAuthPolicies) -- and one per Secret a NautheraUser's passwordSecretRef
// names (a field-selected watch of that one Secret, started and stopped as references change),
// so a changed password hash is seen without listing every Secret in the cluster. A build
// that starts such a watch waits (up to 5 s) for it to list and builds again.
//
// Level-based: the informers only mark the source dirty; Refresh() rebuilds the complete set
// from the caches. An object the API server accepted but Nauthera cannot decode is a
// DecodeError naming its key; its last good version stays in effect, as in local mode.
// `complete` is false until every informer has listed once, so garbage collection never runs
// on a partial view.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_SOURCE_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_SOURCE_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "controller/kubeclient/informer.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/source/source.h"

namespace nauthera::controller {

class KubernetesSource : public Source {
 public:
  struct Options {
    // "" watches every namespace; otherwise only this one (cluster-scoped kinds as always).
    std::string watch_namespace;
    // The controller's own namespace. With a watch_namespace, the password Secrets of
    // NautheraUsers are read only there or in watch_namespace (what a namespaced install's
    // Roles allow): a Secret elsewhere is treated as missing, its user cannot sign in, and
    // an unreadable Secret never holds up the whole controller.
    std::string own_namespace;
    // Called (from a watch thread) after every change, so the reconcile loop can wake at once
    // instead of at its next poll. Must be cheap and thread-safe.
    std::function<void()> on_change;
  };

  // `client` must outlive the source. Starts the informers.
  KubernetesSource(kube::KubeClient* client, Options options);
  ~KubernetesSource() override;

  bool Refresh() override;
  const SourceState& Current() const override { return current_; }

  // True once every informer has listed once.
  bool Synced() const;
  // The object as the API server last sent it (with uid, generation and status), or nullopt.
  std::optional<kube::Object> Raw(const ObjectKey& key) const;

 private:
  kube::Informer* InformerFor(Kind kind) const;
  // Starts and stops the watches of password Secrets; true when it started one.
  bool SyncSecretInformers();
  void Rebuild();

  kube::KubeClient* const client_;
  const Options options_;
  std::atomic<bool> dirty_{true};
  void MarkDirty() {
    dirty_ = true;
    if (options_.on_change) options_.on_change();
  }
  std::map<Kind, std::unique_ptr<kube::Informer>> informers_;
  // (namespace, name) -> the informer watching that one Secret.
  std::map<std::pair<std::string, std::string>, std::unique_ptr<kube::Informer>> secrets_;
  bool first_ = true;
  bool was_synced_ = false;
  SourceState current_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_SOURCE_H_
