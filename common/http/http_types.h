// Plain request/response types of our own, so handlers are tested without a socket and
// cpprestsdk stays at the edge (http_server.cc).
#ifndef NAUTHERA_COMMON_HTTP_HTTP_TYPES_H_
#define NAUTHERA_COMMON_HTTP_HTTP_TYPES_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace nauthera {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // "/oauth2/token", not decoded
  std::string query;   // raw, without "?"
  // Header names in lowercase; repeated headers appear once each as received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;

  // The first value of header `name` (lowercase), or nullptr.
  const std::string* Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void SetHeader(absl::string_view name, absl::string_view value);
  // The value of header `name` (case-insensitive), or "" when absent.
  std::string GetHeader(absl::string_view name) const;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_HTTP_TYPES_H_
