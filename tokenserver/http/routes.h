// What the HTTP edge needs to know of each token-server path before the router runs: the
// methods it allows (for Allow on OPTIONS/TRACE/405, RFC 9110 §10.2.1) and the largest body
// it reads (RFC 9110 §15.5.14: 413 is answered from Content-Length, before the body is read).
#ifndef NAUTHERA_TOKENSERVER_HTTP_ROUTES_H_
#define NAUTHERA_TOKENSERVER_HTTP_ROUTES_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace nauthera {

// "GET, HEAD", "POST", "GET, HEAD, POST"; GET and HEAD for a path we do not serve (its 404
// is the router's).
std::string AllowedMethods(absl::string_view path);

// Bytes of body the route reads for this method: the form limit for the form endpoints'
// POST, 0 otherwise.
size_t BodyLimit(absl::string_view method, absl::string_view path);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_HTTP_ROUTES_H_
