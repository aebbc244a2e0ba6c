// The HTTP edge of both programs, on Boost.Beast + Asio: HTTP/1.1 with keep-alive and
// pipelining, HTTPS (TLS 1.2+, certificate re-read when its files change), strict parsing
// (request_head.h), bounds on every read (http_limits.h), a fixed pool of I/O threads, and
// a graceful shutdown. The handler runs on an I/O thread, so it must be thread-safe; it sees
// only complete, well-framed requests whose bodies fit its route's limit.
#ifndef NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_
#define NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/http/http_limits.h"
#include "common/http/http_types.h"

namespace nauthera {

class HttpServer {
 public:
  struct Options {
    // "http://127.0.0.1:8080" or "https://0.0.0.0:8443"; port 0 picks a free one (port()).
    std::string listen_url;
    // PEM files; required for an https listen_url. Re-read every tls_reload_interval when
    // they change; connections already open keep the certificate they started with.
    std::string tls_cert_file;
    std::string tls_key_file;
    std::chrono::milliseconds tls_reload_interval{std::chrono::seconds(2)};
    HttpLimits limits;
    // I/O threads; the handler runs on them.
    int threads = 1;
    // The largest body a route accepts (capped by limits.max_body_bytes); default: the cap.
    std::function<size_t(absl::string_view method, absl::string_view path)> body_limit;
    // The methods a path allows, for Allow on OPTIONS, TRACE and CONNECT (RFC 9110 §10.2.1);
    // default "GET, HEAD". OPTIONS is added by the server.
    std::function<std::string(absl::string_view path)> allowed_methods;
    // Renders the server's own refusals (400, 405, 408, 413, 414, 431, 503, 505) so every
    // answer of a listener has one shape; default: an OAuth-style JSON error.
    std::function<HttpResponse(int status, absl::string_view message)> error_response;
  };

  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Options options, HttpHandler handler);
  ~HttpServer();

  // The port listened on.
  int port() const;

  // From now on every response carries Connection: close, so clients reconnect (to another
  // replica) while this one still serves: the first step of a graceful stop.
  void CloseAfterResponses();

  // Stops accepting, closes idle keep-alive connections at once, lets requests in flight
  // finish (their responses carry Connection: close), then closes whatever is left when
  // `grace` has passed and joins the I/O threads. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);
  // Shutdown with no grace.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_
