// GET/POST /oauth2/authorize (RFC 6749 §3.1, OIDC Core §3.1.2): checks the request, then
// either continues from a live session (a code, or the consent page first:
// endpoints/consent_endpoint.h) or shows the login page.
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

// "scheme://host[:port]" of a checked redirect URI, for a page's CSP form-action (the
// redirect after its form is posted); "" when it does not parse.
std::string RedirectOrigin(const std::string& uri);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_AUTHORIZE_ENDPOINT_H_
