// POST /oauth2/login: the login form's target. Checks CSRF, the sealed authorization request,
// the attempt limits and the password; on success starts a session and redirects to the
// client with a code, or shows the consent page first.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_LOGIN_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_LOGIN_ENDPOINT_H_

#include "common/http/http_types.h"
#include "tokenserver/endpoints/interactive_context.h"

namespace nauthera {

HttpResponse HandleLogin(const HttpRequest& request, const InteractiveContext& context);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_LOGIN_ENDPOINT_H_
