// Maps paths to endpoints. Every request reads the current snapshot once, at its start; before
// the first state arrives the OAuth endpoints answer 503 temporarily_unavailable.
#ifndef NAUTHERA_TOKENSERVER_HTTP_ROUTER_H_
#define NAUTHERA_TOKENSERVER_HTTP_ROUTER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

#include "common/http/http_types.h"
#include "tokenserver/http/client_address.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/state/state_holder.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

class Router {
 public:
  // `now` returns unix seconds; injected so tests control time.
  Router(const StateHolder* state, OneTimeStore* store, LoginLimiter* limiter,
         std::function<int64_t()> now);

  HttpResponse Handle(const HttpRequest& request) const;
  // The --metrics-listen listener: /healthz, /readyz and /metrics, nothing else.
  HttpResponse HandleOps(const HttpRequest& request) const;

  // From when *draining is true, /readyz answers 503: the process is shutting down.
  void set_draining(const std::atomic<bool>* draining) { draining_ = draining; }
  // Whose forwarded headers name the client (ClientAddress); none by default. Set before
  // serving.
  void set_trusted_proxies(TrustedProxies proxies) { trusted_proxies_ = std::move(proxies); }

 private:
  HttpResponse Route(const HttpRequest& request, absl::string_view* endpoint) const;

  HttpResponse RouteWithState(const HttpRequest& request, const Snapshot& snapshot,
                              absl::string_view* endpoint) const;

  const StateHolder* state_;
  OneTimeStore* store_;
  LoginLimiter* limiter_;
  std::function<int64_t()> now_;
  const std::atomic<bool>* draining_ = nullptr;
  TrustedProxies trusted_proxies_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_HTTP_ROUTER_H_
