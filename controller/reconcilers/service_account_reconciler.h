// Reconciles one NautheraServiceAccount: a machine identity for the client-credentials grant
// (RFC 6749 §4.4), authenticating with client_secret_basic or client_secret_post. Its tokens
// carry email "<name>@<namespace>.svc" and its groups (the guide's RBAC binds by them).
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_SERVICE_ACCOUNT_RECONCILER_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_SERVICE_ACCOUNT_RECONCILER_H_

#include "controller/reconcilers/client_outcome.h"

namespace nauthera::controller {

// REQUIRES: object.kind == Kind::kServiceAccount.
ClientOutcome ReconcileServiceAccount(const ApiObject& object, ReconcileContext& context);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_SERVICE_ACCOUNT_RECONCILER_H_
