// Reconciles one OidcClient (DESIGN.md, API): its spec must be valid (else InvalidSpec, not
// served); a policy must govern it (else NoPolicy, not served); its credentials Secret must be
// usable (else SecretConflict, not served); asking for more than its policies allow is
// PolicyViolation, and it is still served: the token server grants registered ∩ allowed, so a
// narrowed policy drops a scope rather than breaking the client.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_RECONCILER_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_RECONCILER_H_

#include "controller/reconcilers/client_outcome.h"

namespace nauthera::controller {

// REQUIRES: object.kind == Kind::kOidcClient.
ClientOutcome ReconcileOidcClient(const ApiObject& object, ReconcileContext& context);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_RECONCILER_H_
