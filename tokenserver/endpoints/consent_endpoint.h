// The consent step of an authorization (OIDC Core §3.1.2.4, §11): once the user is known, the
// code goes back at once, or the consent page asks first; POST /oauth2/consent takes the
// answer (Allow: remembered and a code; Deny: access_denied to the client).
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_CONSENT_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_CONSENT_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/endpoints/interactive_context.h"
#include "tokenserver/oauth/authorization_request.h"

namespace nauthera {

// REQUIRES: `request` passed CheckAuthorizationRequest (or RecheckClient) against
// context.snapshot, and `user` is signed in (a live session, or the login form just now).
// The code when no consent is needed (`status`: 302 after a GET, 303 after a POST);
// consent_required to the client for prompt=none (OIDC Core §3.1.2.6); else the page.
HttpResponse ContinueAuthorization(const HttpRequest& http, const InteractiveContext& context,
                                   const AuthorizationRequest& request, const v1::User& user,
                                   int64_t auth_time, int status);

// POST /oauth2/consent: CSRF, the sealed request, the same signed-in user, then the answer.
HttpResponse HandleConsent(const HttpRequest& http, const InteractiveContext& context);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_CONSENT_ENDPOINT_H_
