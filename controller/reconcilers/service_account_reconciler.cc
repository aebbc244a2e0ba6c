#include "controller/reconcilers/service_account_reconciler.h"

#include "absl/strings/str_cat.h"
#include "controller/api/well_known.h"

namespace nauthera::controller {

ClientOutcome ReconcileServiceAccount(const ApiObject& object, ReconcileContext& context) {
  const ServiceAccountSpec& spec = *object.As<ServiceAccountSpec>();
  ClientOutcome out;
  out.status = StatusFor(object);
  // 1. Credentials (always confidential), then the policies that govern it.
  std::vector<PolicyRef> policies;
  std::optional<ServableClient> client =
      ResolveClientBasis(object, spec.display_name, true, context, out, &policies);
  if (!client) return out;
  // 2. A machine identity: client credentials only, its own email and groups.
  client->registered_scopes = spec.allowed_scopes;
  client->grant_types = {std::string(kGrantClientCredentials)};
  client->auth_methods = {std::string(kAuthClientSecretBasic),
                          std::string(kAuthClientSecretPost)};
  client->email = absl::StrCat(object.meta.name, "@", object.meta.ns, ".svc");
  client->groups = spec.groups;
  // 3. What it asks for against what the policies allow; either secret method will do.
  PolicyRequest request{spec.allowed_scopes, client->grant_types, client->auth_methods, true};
  std::vector<std::string> violations = FindPolicyViolations(request, policies);
  MarkServed(out, *std::move(client), violations);
  return out;
}

}  // namespace nauthera::controller
