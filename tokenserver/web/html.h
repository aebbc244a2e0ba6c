// HTML building blocks for the server-rendered pages: escaping and the page frame.
#ifndef NAUTHERA_TOKENSERVER_WEB_HTML_H_
#define NAUTHERA_TOKENSERVER_WEB_HTML_H_

#include <string>

#include "absl/strings/string_view.h"
#include "common/http/http_types.h"

namespace nauthera {

// Escapes &, <, >, ", ' for text and double-quoted attribute values.
std::string HtmlEscape(absl::string_view text);

// A complete page with the product's styles and strict security headers: a CSP allowing only
// this page's nonce-tagged style (no script at all), no framing (X-Frame-Options DENY and
// frame-ancestors 'none'), no referrer, no caching. `form_action` lists where forms on the
// page may post or redirect to ('self' plus, after login, the client's redirect origin).
HttpResponse HtmlPage(int status, absl::string_view title, absl::string_view body_html,
                      absl::string_view form_action = "'self'");

// A page that explains an error which must not be redirected (RFC 6749 §4.1.2.1).
HttpResponse ErrorPage(int status, absl::string_view title, absl::string_view message);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_WEB_HTML_H_
