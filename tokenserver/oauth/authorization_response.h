// The authorization response (RFC 6749 §4.1.2): a redirect back to the client with a code, or
// with an error, always with state and iss (RFC 9207, so a client can tell issuers apart).
#ifndef NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_RESPONSE_H_
#define NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_RESPONSE_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/oauth/authorization_request.h"
#include "tokenserver/oauth/oauth_error.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// Authorization codes live about a minute (RFC 6749 §4.1.2 recommends at most 10). The token
// endpoint reads the expiry stored with the code (CodeGrant::expires_at).
inline constexpr int64_t kCodeLifetimeSeconds = 60;

// Stores a fresh single-use code bound to client, redirect URI, PKCE challenge and nonce, and
// redirects with it. `status` is 302 after a GET, 303 after the login form's POST.
HttpResponse RedirectWithCode(const Snapshot& snapshot, OneTimeStore* store,
                              const AuthorizationRequest& request, const v1::User& user,
                              int64_t auth_time, int64_t now, int status);

// RFC 6749 §4.1.2.1: the error goes back to the checked redirect URI with state and iss
// (written by ToRedirectResponse, oauth/oauth_error.h).
HttpResponse RedirectWithError(const Snapshot& snapshot, const AuthorizationRequest& request,
                               const OAuthError& error);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_RESPONSE_H_
