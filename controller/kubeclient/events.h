// Recording Events (events.k8s.io/v1) about an object, as `kubectl describe` and
// `kubectl events` show them: what happened (reason, a note a person can act on), to what
// (regarding), and who says so (reportingController / reportingInstance).
// https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_EVENTS_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_EVENTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube {

struct EventSpec {
  // The object the event is about: apiVersion, kind, namespace, name, uid.
  Object regarding;
  std::string type = "Normal";  // "Normal" or "Warning"
  std::string reason;           // UpperCamelCase, short: "SecretRecreated"
  std::string action;           // what was done: "Reconcile"
  std::string note;             // for people; cut to 1 kB (the API's limit)
  std::string reporting_controller = "auth.nauthera.io/controller";
  std::string reporting_instance;  // the pod or host: holder identity
};

// The Event object for `spec` at time `now` (named "<regarding name>.<hex nanoseconds>", in the
// regarding object's namespace, or "default" for cluster-scoped objects, as client-go does).
Object MakeEvent(const EventSpec& spec, absl::Time now);

// Creates it.
absl::StatusOr<Object> CreateEvent(KubeClient& client, const EventSpec& spec,
                                   absl::Time now = absl::Now());

// The `regarding` reference for `object` (as returned by the API server).
Object ReferenceTo(const Object& object);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_EVENTS_H_
