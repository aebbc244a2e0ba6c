// The token server's wiring: the one-time store (memory or Redis), the state stream from the
// controller, the router and its HTTP listener; and the order they stop in.
#ifndef NAUTHERA_TOKENSERVER_APP_TOKENSERVER_APP_H_
#define NAUTHERA_TOKENSERVER_APP_TOKENSERVER_APP_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/http/http_server.h"
#include "tokenserver/app/options.h"
#include "tokenserver/http/router.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/state/state_client.h"
#include "tokenserver/state/state_holder.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

class TokenServerApp {
 public:
  // REQUIRES: SIGTERM and SIGINT are blocked in the calling thread, so no thread this
  // starts (HTTP I/O, gRPC, Redis) can take them.
  static absl::StatusOr<std::unique_ptr<TokenServerApp>> Start(const TokenServerOptions& options);
  ~TokenServerApp();

  // The graceful stop, in order: /readyz answers 503 at once; requests are still served
  // for --shutdown-delay; then the listener closes, requests in flight finish (kept-alive
  // connections close after their response) within --shutdown-timeout; then the state
  // stream ends.
  void Shutdown();

  int http_port() const { return server_->port(); }

 private:
  TokenServerApp() = default;
  absl::Status MakeStores(const TokenServerOptions& options);

  ResolvedOptions resolved_;
  std::atomic<bool> draining_{false};
  StateHolder state_;
  std::unique_ptr<OneTimeStore> one_time_;
  std::unique_ptr<LoginLimiter> limiter_;
  std::string store_name_;
  std::unique_ptr<StateClient> client_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpServer> metrics_server_;  // --metrics-listen
  bool stopped_ = false;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_APP_TOKENSERVER_APP_H_
