// The checks an OidcClient's own spec must pass before any policy is consulted. A failure is
// InvalidSpec: the client is not served, and the message says what to change.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_VALIDATION_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_VALIDATION_H_

#include "absl/status/status.h"
#include "controller/api/types.h"

namespace nauthera::controller {

// InvalidArgument naming the first problem, e.g. "spec.redirectUris[1]: ...".
absl::Status ValidateOidcClientSpec(const OidcClientSpec& spec);

// One redirect URI (RFC 6749 §3.1.2, RFC 8252 §7-8): absolute, no fragment, no wildcard;
// plain http only to a loopback host.
absl::Status ValidateRedirectUri(absl::string_view uri);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_OIDC_CLIENT_VALIDATION_H_
