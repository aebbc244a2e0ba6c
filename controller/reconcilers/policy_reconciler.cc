#include "controller/reconcilers/policy_reconciler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/reconcilers/client_outcome.h"

namespace nauthera::controller {
namespace {

const PolicySpec* SpecOf(const ApiObject& object) {
  if (const auto* cluster = object.As<ClusterAuthPolicySpec>()) return &cluster->policy;
  if (const auto* local = object.As<AuthPolicySpec>()) return &local->policy;
  return nullptr;
}

}  // namespace

ObjectStatus ReconcilePolicy(const ApiObject& object, int governs, const ClientIdIndex& ids) {
  ObjectStatus status = StatusFor(object);
  status.ready = true;
  status.reason = std::string(reason::kReady);
  status.governs = governs;
  status.message = absl::StrCat("governs ", governs, governs == 1 ? " client" : " clients");
  const PolicySpec* spec = SpecOf(object);
  if (spec == nullptr || !spec->audience_clients || spec->audience_clients->empty()) {
    return status;
  }
  std::vector<std::string> missing = MissingAudienceClients(*spec, ids);
  if (missing.empty()) {
    std::vector<std::string> named;
    for (const ClientRef& ref : *spec->audience_clients) named.push_back(ref.ToString());
    absl::StrAppend(&status.message, "; access tokens also name the client ids of OidcClient ",
                    absl::StrJoin(named, ", "), " in aud");
    return status;
  }
  // Its other rules are in force; only the audience is missing, so tokens it governs are
  // refused by an API server that expects that client's id.
  status.ready = false;
  status.reason = std::string(reason::kAudienceClientNotFound);
  status.message = absl::StrCat(
      "spec.audienceClients: no OidcClient ", absl::StrJoin(missing, ", "),
      " with credentials, so its client id is not added to access tokens' aud; create it (or "
      "fix the name) — the policy's other rules are in force and it ",
      status.message);
  return status;
}

}  // namespace nauthera::controller
