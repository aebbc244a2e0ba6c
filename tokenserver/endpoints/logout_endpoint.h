// GET/POST /oauth2/logout: OpenID Connect RP-Initiated Logout 1.0. With a valid id_token_hint
// for the signed-in user, ends the browser session at once; otherwise asks the user to
// confirm (a form with a CSRF token, posted back here). Returns to the client only at a
// post_logout_redirect_uri registered for the client the hint names (§3); else "signed out".
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

HttpResponse HandleLogout(const HttpRequest& request, const Snapshot& snapshot, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_
