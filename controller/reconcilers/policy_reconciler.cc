#include "controller/reconcilers/policy_reconciler.h"

#include "absl/strings/str_cat.h"
#include "controller/reconcilers/client_outcome.h"

namespace nauthera::controller {

ObjectStatus ReconcilePolicy(const ApiObject& object, int governs) {
  ObjectStatus status = StatusFor(object);
  status.ready = true;
  status.reason = std::string(reason::kReady);
  status.governs = governs;
  status.message = absl::StrCat("governs ", governs, governs == 1 ? " client" : " clients");
  return status;
}

}  // namespace nauthera::controller
