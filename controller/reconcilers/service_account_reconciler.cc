#include "controller/reconcilers/service_account_reconciler.h"

#include "absl/strings/str_cat.h"
#include "controller/api/well_known.h"

namespace nauthera::controller {

ClientOutcome ReconcileServiceAccount(const ApiObject& object, ReconcileContext& context) {
  const ServiceAccountSpec& spec = *object.As<ServiceAccountSpec>();
  ClientOutcome out;
  out.status = StatusFor(object);
  // 1. Credentials (always confidential).
  ObjectKey key = object.Key();
  absl::StatusOr<Credentials> credentials = context.credentials.Ensure(key, true);
  out.status.credentials_secret_ref = context.credentials.store().Reference(key);
  if (!credentials.ok()) {
    out.status.reason = std::string(reason::kSecretConflict);
    out.status.message = std::string(credentials.status().message());
    return out;
  }
  out.status.client_id = credentials->client_id;
  // 2. The policies that govern it.
  std::vector<PolicyRef> policies = context.policies.Governing(object.meta.ns);
  if (policies.empty()) {
    out.status.reason = std::string(reason::kNoPolicy);
    out.status.message = NoPolicyMessage(object.meta.ns);
    return out;
  }
  ServableClient client;
  client.kind = Kind::kServiceAccount;
  client.ns = object.meta.ns;
  client.name = object.meta.name;
  client.display_name = spec.display_name.empty() ? object.meta.name : spec.display_name;
  client.credentials = *std::move(credentials);
  client.registered_scopes = spec.allowed_scopes;
  client.grant_types = {std::string(kGrantClientCredentials)};
  client.auth_methods = {std::string(kAuthClientSecretBasic), std::string(kAuthClientSecretPost)};
  client.email = absl::StrCat(object.meta.name, "@", object.meta.ns, ".svc");
  client.groups = spec.groups;
  client.policy = CombinePolicies(policies);
  // 3. What it asks for against what the policies allow; either secret method will do.
  PolicyRequest request{spec.allowed_scopes, client.grant_types, client.auth_methods, true};
  std::vector<std::string> violations = FindPolicyViolations(request, policies);
  MarkServed(out, std::move(client), violations);
  return out;
}

}  // namespace nauthera::controller
