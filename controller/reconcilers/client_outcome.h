// What reconciling one client or service account yields: its status, and the client to serve
// when it is servable.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_CLIENT_OUTCOME_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_CLIENT_OUTCOME_H_

#include <optional>

#include "controller/policy/policy_index.h"
#include "controller/reconcilers/credentials_reconciler.h"
#include "controller/reconcilers/servable_client.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

struct ClientOutcome {
  ObjectStatus status;
  std::optional<ServableClient> servable;
};

// What every client reconciler reads and writes.
struct ReconcileContext {
  const PolicyIndex& policies;
  CredentialsReconciler& credentials;
};

// The status row of `object` with its identity and source filled in.
ObjectStatus StatusFor(const ApiObject& object);

// "no ClusterAuthPolicy selects namespace "x" and no AuthPolicy is in it; ..."
std::string NoPolicyMessage(absl::string_view ns);

// The steps every client kind shares: its credentials (made once, never regenerated), then
// the policies that govern it, and a ServableClient with the identity and credentials filled
// in. nullopt, with out.status saying why, when the client cannot be served.
std::optional<ServableClient> ResolveClientBasis(const ApiObject& object,
                                                 absl::string_view display_name,
                                                 bool confidential, ReconcileContext& context,
                                                 ClientOutcome& out,
                                                 std::vector<PolicyRef>* policies);

// Marks `out` served with `client`: Ready, or PolicyViolation naming each refusal in
// `violations` (FindPolicyViolations).
void MarkServed(ClientOutcome& out, ServableClient client,
                const std::vector<std::string>& violations);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_CLIENT_OUTCOME_H_
