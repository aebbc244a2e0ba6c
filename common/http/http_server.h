// The HTTP edge: cpprestsdk's http_listener behind our own types. One handler serves every
// path; it runs on cpprestsdk's thread pool, so it must be thread-safe.
#ifndef NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_
#define NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/http/http_types.h"

namespace nauthera {

// Sizes cpprestsdk's shared thread pool. Call once, before any server starts; a pool sized to
// the cores gives a far better tail latency than the default 40 threads.
void InitHttpThreads(int threads);

class HttpServer {
 public:
  struct Options {
    // "http://127.0.0.1:8080" or "https://0.0.0.0:8443".
    std::string listen_url;
    // Bodies larger than this are not read; the handler sees body_too_large.
    size_t max_body_bytes = 64 * 1024;
    // PEM files; required for an https listen_url.
    std::string tls_cert_file;
    std::string tls_key_file;
  };

  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const Options& options,
                                                           HttpHandler handler);
  ~HttpServer();
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_HTTP_SERVER_H_
