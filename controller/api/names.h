// Name rules the Kubernetes API enforces (k8s.io/apimachinery/pkg/util/validation), checked
// here too because names become file names in local mode: "../x" must never be a name.
#ifndef NAUTHERA_CONTROLLER_API_NAMES_H_
#define NAUTHERA_CONTROLLER_API_NAMES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller {

// RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 characters, starting
// and ending alphanumeric. Object names.
absl::Status ValidateDns1123Subdomain(absl::string_view name);
// RFC 1123 label: lowercase alphanumerics and '-', at most 63. Namespace names.
absl::Status ValidateDns1123Label(absl::string_view name);
// Label key "[prefix/]name" and value, as metadata.labels and selectors use them.
absl::Status ValidateLabelKey(absl::string_view key);
absl::Status ValidateLabelValue(absl::string_view value);
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
absl::Status ValidateScopeToken(absl::string_view scope);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_NAMES_H_
