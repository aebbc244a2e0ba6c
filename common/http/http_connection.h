// One accepted connection of an HttpServer, plain or TLS, and what all of a server's
// connections share. Internal to common/http: only http_server.cc includes it.
#ifndef NAUTHERA_COMMON_HTTP_HTTP_CONNECTION_H_
#define NAUTHERA_COMMON_HTTP_HTTP_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "common/http/http_server.h"
#include "common/util/mutex.h"

namespace nauthera::http_internal {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Close now if waiting for a next request; otherwise close after the current response.
  virtual void Drain() = 0;
};

// What every connection of one server shares.
struct ServerCore {
  HttpServer::Options options;
  HttpHandler handler;
  std::atomic<bool> draining{false};
  // Every response from now on carries Connection: close (HttpServer::CloseAfterResponses).
  std::atomic<bool> close_after_response{false};
  std::atomic<int> open{0};  // connections alive (incremented at accept)

  uint64_t Register(std::weak_ptr<ConnectionBase> connection);
  void Unregister(uint64_t id);
  // Drain() on every live connection.
  void DrainAll();

 private:
  Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::unordered_map<uint64_t, std::weak_ptr<ConnectionBase>> live_ ABSL_GUARDED_BY(mu_);
};

// REQUIRES: `socket` is bound to its own strand; core->open already counts it.
void StartPlainConnection(boost::asio::ip::tcp::socket socket, ServerCore* core);
void StartTlsConnection(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<boost::asio::ssl::context> tls, ServerCore* core);

// Answers 503 with Retry-After to a connection over max_connections and closes it, without
// blocking and without holding it longer than a second.
void RefuseOverloaded(boost::asio::ip::tcp::socket socket);

}  // namespace nauthera::http_internal

#endif  // NAUTHERA_COMMON_HTTP_HTTP_CONNECTION_H_
