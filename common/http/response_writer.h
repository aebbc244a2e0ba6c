// Our HttpResponse to Beast's, in one place: the only code that writes response headers to
// the wire. A name that is not a token or a value with CR, LF or NUL is never written (the
// response becomes a 500 and the handler's mistake is logged), so no response can be split.
#ifndef NAUTHERA_COMMON_HTTP_RESPONSE_WRITER_H_
#define NAUTHERA_COMMON_HTTP_RESPONSE_WRITER_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "absl/strings/string_view.h"
#include "common/http/http_types.h"

namespace nauthera {

using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct WriteOptions {
  unsigned version = 11;  // 10 or 11, the request's
  bool keep_alive = true;
  bool head = false;  // a HEAD request: Content-Length of the body, no body bytes
};

BeastResponse ToBeastResponse(HttpResponse response, const WriteOptions& options);

// The default rendering of the server's own refusals: {"error","error_description"} JSON.
HttpResponse DefaultErrorResponse(int status, absl::string_view message);

// The headers and status a response may carry on the wire; the first problem, or "".
std::string CheckResponse(const HttpResponse& response);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_RESPONSE_WRITER_H_
