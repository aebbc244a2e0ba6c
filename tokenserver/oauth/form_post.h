// The request checks every form-posting OAuth endpoint shares (/oauth2/token, /oauth2/revoke,
// /oauth2/introspect): HTTP POST (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1), a body within
// the limit, Content-Type application/x-www-form-urlencoded, nothing in the URL query
// (credentials and tokens never belong in a URI: RFC 6749 §2.3.1, RFC 6750 §5.3), and form
// syntax without a repeated parameter (RFC 6749 §3.2). Every failure is invalid_request.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_FORM_POST_H_
#define NAUTHERA_TOKENSERVER_OAUTH_FORM_POST_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "common/http/http_types.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

// Largest body the form endpoints read. The HTTP edge answers 413 to a larger one before it
// is read (tokenserver/http/routes.cc); handlers check again so they hold outside the edge.
inline constexpr size_t kMaxFormPostBytes = 16 * 1024;

inline bool FormBodyTooLarge(const HttpRequest& request) {
  return request.body.size() > kMaxFormPostBytes;
}

// `endpoint_name` ("token", "revocation") goes into the error description.
OAuthOr<Form> ParseFormPost(const HttpRequest& request, absl::string_view endpoint_name);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_FORM_POST_H_
