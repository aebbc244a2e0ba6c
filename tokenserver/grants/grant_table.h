// The grants /oauth2/token serves, in one table: the token endpoint dispatches from it and runs
// the checks every grant shares (CheckGrantAllowed) before any handler; discovery lists
// grant_types_supported from it. Adding a grant is one row here and one file beside this one.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_GRANT_TABLE_H_
#define NAUTHERA_TOKENSERVER_GRANTS_GRANT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/http/http_types.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/oauth/grant_types.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

using GrantHandler = OAuthOr<HttpResponse> (*)(const GrantContext&);

struct Grant {
  absl::string_view name;  // the grant_type value (kGrant* in oauth/grant_types.h)
  GrantHandler handler;
  // RFC 6749 §4.4 / §2.1: only clients that authenticated with a secret may use it.
  bool confidential_only;
  // Needs interactive sign-in (codes come from /oauth2/authorize), so it is advertised only
  // when the server serves it (a session key was sent).
  bool interactive;
  absl::string_view spec;  // where the grant is defined, for error descriptions and docs
};

// Every grant, in the order discovery lists them.
absl::Span<const Grant> Grants();

// The row for `grant_type`, or nullptr: RFC 6749 §5.2 unsupported_grant_type.
const Grant* FindGrant(absl::string_view grant_type);

// RFC 6749 §5.2 unauthorized_client: the authenticated client may not use this grant (a public
// client for a confidential-only grant, or a grant not registered for it or not allowed by its
// policies).
OAuthOr<bool> CheckGrantAllowed(const Grant& grant, const AuthenticatedClient& client);

// grant_types_supported (RFC 8414 §2): every grant, or only the non-interactive ones.
std::vector<std::string> GrantTypesSupported(bool interactive);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_GRANT_TABLE_H_
