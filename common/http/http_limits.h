// The bounds every HTTP listener enforces, each before the bytes it bounds are read
// (RFC 9112 §2.3, RFC 9110 §15.5.14/§15.5.15, RFC 6585 §5). Flags in http_flags.h.
#ifndef NAUTHERA_COMMON_HTTP_HTTP_LIMITS_H_
#define NAUTHERA_COMMON_HTTP_HTTP_LIMITS_H_

#include <chrono>
#include <cstddef>

namespace nauthera {

struct HttpLimits {
  // The request line ("GET /path?query HTTP/1.1"); longer -> 414 URI Too Long.
  size_t max_request_line_bytes = 8 * 1024;
  // The header fields after the request line, and how many; more -> 431.
  size_t max_header_bytes = 16 * 1024;
  size_t max_headers = 100;
  // The ceiling of any body; a route may allow less (HttpServer::Options::body_limit).
  // Larger -> 413, answered from Content-Length before the body is read.
  size_t max_body_bytes = 64 * 1024;
  // From the first byte of a request to the end of its header block; from the end of the
  // header block to the end of the body; between requests on a kept-alive connection; and
  // for a response to be taken by the peer. A peer too slow gets 408 (or just a close when
  // it sent nothing).
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds body_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  // Open connections at once; one more is answered 503 with Retry-After and closed.
  int max_connections = 1024;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_HTTP_LIMITS_H_
