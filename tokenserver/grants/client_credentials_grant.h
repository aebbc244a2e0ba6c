// The client credentials grant (RFC 6749 §4.4): a confidential client gets an access token
// for itself. Used by CI pipelines through NautheraServiceAccounts.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_CLIENT_CREDENTIALS_GRANT_H_
#define NAUTHERA_TOKENSERVER_GRANTS_CLIENT_CREDENTIALS_GRANT_H_

#include "common/http/http_types.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

OAuthOr<HttpResponse> HandleClientCredentialsGrant(const GrantContext& context);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_CLIENT_CREDENTIALS_GRANT_H_
