#include "controller/reconcilers/client_outcome.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nauthera::controller {

ObjectStatus StatusFor(const ApiObject& object) {
  ObjectStatus status;
  status.kind = std::string(KindName(object.kind));
  status.ns = object.meta.ns;
  status.name = object.meta.name;
  status.source = object.location.ToString();
  return status;
}

std::optional<ServableClient> ResolveClientBasis(const ApiObject& object,
                                                 absl::string_view display_name,
                                                 bool confidential, ReconcileContext& context,
                                                 ClientOutcome& out,
                                                 std::vector<PolicyRef>* policies) {
  // 1. Credentials: made even before a policy exists, so the client id is stable from the
  //    start and can be configured while the policy is being written.
  ObjectKey key = object.Key();
  absl::StatusOr<Credentials> credentials = context.credentials.Ensure(key, confidential);
  out.status.credentials_secret_ref = context.credentials.store().Reference(key);
  if (!credentials.ok()) {
    // A Secret that is there but not ours to overwrite is a conflict; anything else (a missing
    // permission, an API server away) is the store being unavailable, and says so.
    bool conflict = absl::IsFailedPrecondition(credentials.status()) ||
                    absl::IsAlreadyExists(credentials.status()) ||
                    absl::IsInvalidArgument(credentials.status());
    out.status.reason =
        std::string(conflict ? reason::kSecretConflict : reason::kCredentialsUnavailable);
    out.status.message = std::string(credentials.status().message());
    return std::nullopt;
  }
  out.status.client_id = credentials->client_id;
  // 2. The policies that govern it.
  *policies = context.policies.Governing(object.meta.ns);
  if (policies->empty()) {
    out.status.reason = std::string(reason::kNoPolicy);
    out.status.message = NoPolicyMessage(object.meta.ns);
    return std::nullopt;
  }
  ServableClient client;
  client.kind = object.kind;
  client.ns = object.meta.ns;
  client.name = object.meta.name;
  client.display_name = display_name.empty() ? object.meta.name : std::string(display_name);
  client.credentials = *std::move(credentials);
  client.policy = CombinePolicies(*policies);
  return client;
}

std::string NoPolicyMessage(absl::string_view ns) {
  return absl::StrCat("no ClusterAuthPolicy selects namespace \"", ns,
                      "\" and no AuthPolicy is in it; add a policy that governs it (nothing is "
                      "served until one does)");
}

void MarkServed(ClientOutcome& out, ServableClient client,
                const std::vector<std::string>& violations) {
  out.status.served = true;
  if (!violations.empty()) {
    out.status.ready = false;
    out.status.reason = std::string(reason::kPolicyViolation);
    out.status.message = absl::StrCat(
        absl::StrJoin(violations, "; "),
        ". It is served without what was refused: remove that from its spec, or allow it in "
        "the policy");
  } else {
    out.status.ready = true;
    out.status.reason = std::string(reason::kReady);
    out.status.message =
        absl::StrCat("served; governed by ", absl::StrJoin(client.policy.governed_by, ", "));
  }
  out.servable = std::move(client);
}

}  // namespace nauthera::controller
