// The authorization code grant's token request (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6).
#ifndef NAUTHERA_TOKENSERVER_GRANTS_AUTHORIZATION_CODE_GRANT_H_
#define NAUTHERA_TOKENSERVER_GRANTS_AUTHORIZATION_CODE_GRANT_H_

#include "common/http/http_types.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

OAuthOr<HttpResponse> HandleAuthorizationCodeGrant(const GrantContext& context);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_AUTHORIZATION_CODE_GRANT_H_
