// GET/POST /oauth2/logout: OpenID Connect RP-Initiated Logout 1.0. Ends the browser session
// and returns to the client only at a post_logout_redirect_uri registered for it.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

HttpResponse HandleLogout(const HttpRequest& request, const Snapshot& snapshot, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_LOGOUT_ENDPOINT_H_
