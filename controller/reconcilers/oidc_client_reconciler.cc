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
  // 2. Credentials, then the policies that govern it.
  std::vector<PolicyRef> policies;
  std::optional<ServableClient> client = ResolveClientBasis(
      object, spec.display_name, spec.auth_method != kAuthNone, context, out, &policies);
  if (!client) return out;
  client->registered_scopes = spec.allowed_scopes;
  client->grant_types = spec.grant_types;
  client->auth_methods = {spec.auth_method};
  client->redirect_uris = spec.redirect_uris;
  client->post_logout_redirect_uris = spec.post_logout_redirect_uris;
  client->consent = spec.consent;
  // A policy that requires PKCE wins over pkce.required: false.
  client->pkce_required = spec.pkce_required || client->policy.require_pkce;
  // 3. What it asks for against what they allow.
  PolicyRequest request{spec.allowed_scopes, spec.grant_types, {spec.auth_method}, false};
  std::vector<std::string> violations = FindPolicyViolations(request, policies);
  MarkServed(out, *std::move(client), violations);
  return out;
}

}  // namespace nauthera::controller
