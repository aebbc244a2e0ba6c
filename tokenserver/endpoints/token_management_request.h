// What POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662) share: the same
// request checks as the token endpoint (POST, form body, no duplicated parameter, no query),
// client authentication exactly as at the token endpoint (RFC 7009 §2.1, RFC 7662 §2.1), and the
// `token` / `token_type_hint` parameters.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_MANAGEMENT_REQUEST_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_MANAGEMENT_REQUEST_H_

#include <string>

#include "common/http/http_types.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/oauth/oauth_error.h"
#include "tokenserver/oauth/oauth_or.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

// Presented tokens longer than this cannot be ours (access tokens are a few KB at most,
// refresh tokens 43 characters): they are treated as unknown without touching the store.
inline constexpr size_t kMaxPresentedTokenBytes = 8 * 1024;

struct TokenManagementRequest {
  std::string token;
  // "access_token", "refresh_token", or "" (absent or unknown: ignored, RFC 7009 §2.1).
  std::string token_type_hint;
  AuthenticatedClient client;
};

// `endpoint_name` appears in error descriptions ("the revocation endpoint accepts only POST").
OAuthOr<TokenManagementRequest> ParseTokenManagementRequest(const HttpRequest& request,
                                                            const Snapshot& snapshot,
                                                            absl::string_view endpoint_name);

// True when `token` has the shape of a JWS compact serialization (three dot-separated parts).
// Our refresh tokens are base64url without dots, so shape alone tells the two kinds apart.
bool LooksLikeJwt(absl::string_view token);

// The error response, with 405 + Allow: POST when the method was wrong.
HttpResponse TokenManagementErrorResponse(const HttpRequest& request, const OAuthError& error);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_MANAGEMENT_REQUEST_H_
