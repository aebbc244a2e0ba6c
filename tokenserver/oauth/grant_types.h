// The grant types of RFC 6749 this server knows, by name, and the one rule for whether a client
// may use one: registered for it (spec.grantTypes) and allowed by every policy governing it
// (the controller folds those into policy.allowed_grant_types). The authorize endpoint, the
// token endpoint's dispatcher (grants/grant_table.h) and the code grant's refresh decision all
// ask here, so the rule is written once.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_GRANT_TYPES_H_
#define NAUTHERA_TOKENSERVER_OAUTH_GRANT_TYPES_H_

#include "absl/strings/string_view.h"
#include "nauthera/v1/state.pb.h"

namespace nauthera {

inline constexpr absl::string_view kGrantAuthorizationCode = "authorization_code";  // §4.1
inline constexpr absl::string_view kGrantRefreshToken = "refresh_token";            // §6
inline constexpr absl::string_view kGrantClientCredentials = "client_credentials";  // §4.4

// True when `client` is registered for `grant_type` and its policies allow it.
bool ClientMayUseGrant(const v1::Client& client, absl::string_view grant_type);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_GRANT_TYPES_H_
