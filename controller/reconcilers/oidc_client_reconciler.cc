#include "controller/reconcilers/oidc_client_reconciler.h"

#include "absl/strings/str_cat.h"
#include "controller/api/well_known.h"
#include "controller/reconcilers/oidc_client_validation.h"

namespace nauthera::controller {

ClientOutcome ReconcileOidcClient(const ApiObject& object, ReconcileContext& context) {
  const OidcClientSpec& spec = *object.As<OidcClientSpec>();
  ClientOutcome out;
  out.status = StatusFor(object);
  // 1. The spec on its own.
  absl::Status valid = ValidateOidcClientSpec(spec);
  if (!valid.ok()) {
    out.status.reason = std::string(reason::kInvalidSpec);
    out.status.message = std::string(valid.message());
    return out;
  }
  // 2. Credentials: made even before a policy exists, so the client id is stable from the
  //    start and can be configured while the policy is being written.
  ObjectKey key = object.Key();
  bool confidential = spec.auth_method != kAuthNone;
  absl::StatusOr<Credentials> credentials = context.credentials.Ensure(key, confidential);
  out.status.credentials_secret_ref = context.credentials.store().Reference(key);
  if (!credentials.ok()) {
    out.status.reason = std::string(reason::kSecretConflict);
    out.status.message = std::string(credentials.status().message());
    return out;
  }
  out.status.client_id = credentials->client_id;
  // 3. The policies that govern it.
  std::vector<PolicyRef> policies = context.policies.Governing(object.meta.ns);
  if (policies.empty()) {
    out.status.reason = std::string(reason::kNoPolicy);
    out.status.message = NoPolicyMessage(object.meta.ns);
    return out;
  }
  ServableClient client;
  client.kind = Kind::kOidcClient;
  client.ns = object.meta.ns;
  client.name = object.meta.name;
  client.display_name = spec.display_name.empty() ? object.meta.name : spec.display_name;
  client.credentials = *std::move(credentials);
  client.registered_scopes = spec.allowed_scopes;
  client.grant_types = spec.grant_types;
  client.auth_methods = {spec.auth_method};
  client.redirect_uris = spec.redirect_uris;
  client.post_logout_redirect_uris = spec.post_logout_redirect_uris;
  client.policy = CombinePolicies(policies);
  // A policy that requires PKCE wins over pkce.required: false.
  client.pkce_required = spec.pkce_required || client.policy.require_pkce;
  // 4. What it asks for against what they allow.
  PolicyRequest request{spec.allowed_scopes, spec.grant_types, {spec.auth_method}, false};
  std::vector<std::string> violations = FindPolicyViolations(request, policies);
  MarkServed(out, std::move(client), violations);
  return out;
}

}  // namespace nauthera::controller
