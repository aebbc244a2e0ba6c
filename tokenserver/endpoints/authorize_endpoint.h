// GET/POST /oauth2/authorize (RFC 6749 §3.1, OIDC Core §3.1.2): checks the request, then
// either answers at once from a live session or shows the login page.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_AUTHORIZE_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_AUTHORIZE_ENDPOINT_H_

#include "common/http/http_types.h"
#include "tokenserver/endpoints/interactive_context.h"
#include "tokenserver/oauth/authorization_request.h"

namespace nauthera {

HttpResponse HandleAuthorize(const HttpRequest& request, const InteractiveContext& context);

// The login page for a checked request, with a CSRF cookie set when the browser has none.
HttpResponse ShowLoginPage(const HttpRequest& http, const InteractiveContext& context,
                           const AuthorizationRequest& request, int status,
                           const std::string& error, const std::string& username);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_AUTHORIZE_ENDPOINT_H_
