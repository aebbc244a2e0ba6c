// Writes each object's ObjectStatus into its `.status` through the status subresource, in the
// shape the CRDs define (charts/nauthera/crds/):
//   conditions: [{type: Ready, status: "True"|"False", reason, message, observedGeneration,
//                 lastTransitionTime}]   (the time changes only when status flips)
//   observedGeneration, clientId + credentialsSecretRef.name (clients), governedClients
//   (policies).
// Only what differs from the status the API server holds is written (no hot loop: our own
// write comes back through the watch equal to what we want). Each write carries the
// resourceVersion read; a 409 Conflict is left to the next pass, which the change triggers.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_STATUS_WRITER_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_STATUS_WRITER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubernetes/kubernetes_source.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

// The `.status` `row` asks for, given the object as served (`current`, for its generation and
// its Ready condition's lastTransitionTime). Pure, for unit tests.
kube::Object DesiredStatus(const ObjectStatus& row, const kube::Object& current, absl::Time now);

class StatusWriter {
 public:
  // Both must outlive the writer. With a `watch_namespace` (a namespaced install) only the
  // objects of that namespace get a status: the cluster-scoped kinds (ClusterAuthPolicy,
  // NautheraUser) are seen only in part from there (governedClients would count one
  // namespace's clients, Secrets elsewhere look missing), so their status is left to a
  // cluster-wide controller and two namespaced installs never fight over it.
  StatusWriter(kube::KubeClient* client, const KubernetesSource* source,
               std::string watch_namespace = "")
      : client_(client), source_(source), watch_namespace_(std::move(watch_namespace)) {}

  // Writes every status that changed. Fails (after trying them all) when some write failed
  // for a reason other than a conflict; the message names the first.
  absl::Status Write(const std::vector<ObjectStatus>& rows);

  int writes() const { return writes_; }

 private:
  kube::KubeClient* const client_;
  const KubernetesSource* const source_;
  const std::string watch_namespace_;
  int writes_ = 0;
  std::map<std::string, std::string> logged_errors_;  // object -> last error logged
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_STATUS_WRITER_H_
