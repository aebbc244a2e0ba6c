#include "controller/status/object_status.h"

#include <tuple>

#include "absl/strings/str_cat.h"

namespace nauthera::controller {

std::string ObjectStatus::Id() const {
  if (name == "-" || name.empty()) return absl::StrCat("?", source);
  return absl::StrCat(kind, "/", ns, "/", name);
}

bool operator==(const ObjectStatus& a, const ObjectStatus& b) {
  return std::tie(a.kind, a.ns, a.name, a.ready, a.reason, a.message, a.client_id,
                  a.credentials_secret_ref, a.source, a.governs, a.served) ==
         std::tie(b.kind, b.ns, b.name, b.ready, b.reason, b.message, b.client_id,
                  b.credentials_secret_ref, b.source, b.governs, b.served);
}

}  // namespace nauthera::controller
