// The status of a ClusterAuthPolicy or AuthPolicy: Ready, with how many clients and service
// accounts it governs (a policy that governs none is easy to spot in the table), or
// AudienceClientNotFound when an OidcClient in spec.audienceClients has no client id (yet).
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_POLICY_RECONCILER_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_POLICY_RECONCILER_H_

#include "controller/api/types.h"
#include "controller/reconcilers/audience_clients.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

// REQUIRES: IsPolicyKind(object.kind).
ObjectStatus ReconcilePolicy(const ApiObject& object, int governs, const ClientIdIndex& ids);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_POLICY_RECONCILER_H_
