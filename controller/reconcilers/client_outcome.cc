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
