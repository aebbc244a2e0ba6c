// Whether an authorization must ask the user's consent (OIDC Core §3.1.2.4, §11): the client's
// setting (OidcClient spec.consent), offline_access, prompt=consent, and what the user has
// already allowed this client.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_CONSENT_H_
#define NAUTHERA_TOKENSERVER_OAUTH_CONSENT_H_

#include <string>
#include <vector>

#include "nauthera/v1/state.pb.h"
#include "tokenserver/oauth/authorization_request.h"

namespace nauthera {

inline constexpr char kOfflineAccessScope[] = "offline_access";

// True when the consent page must be shown before a code is issued:
//   - prompt=consent: always (OIDC Core §3.1.2.1);
//   - CONSENT_SKIP_ALL: never otherwise;
//   - CONSENT_SKIP (first-party): only for offline_access not yet allowed (§11 wants explicit
//     consent to offline access);
//   - CONSENT_REQUIRED: whenever a requested scope is not among `remembered` (a superset of
//     what was allowed asks again).
// `remembered`: the scopes this user has allowed this client (session/consent_record.h).
bool ConsentNeeded(const v1::Client& client, const AuthorizationRequest& request,
                   const std::vector<std::string>& remembered);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_CONSENT_H_
