// The refresh token grant (RFC 6749 §6) with rotation on every use (RFC 9700 §4.14.2):
// reuse of a spent token revokes its whole family, except inside a short grace window where
// the same successor is returned, so parallel kubectl runs sharing one token all succeed.
// Every response carries a new ID token: kubelogin hands kubectl the ID token.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_REFRESH_TOKEN_GRANT_H_
#define NAUTHERA_TOKENSERVER_GRANTS_REFRESH_TOKEN_GRANT_H_

#include "common/http/http_types.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

OAuthOr<HttpResponse> HandleRefreshTokenGrant(const GrantContext& context);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_REFRESH_TOKEN_GRANT_H_
