#include "tokenserver/app/tokenserver_app.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "tokenserver/http/routes.h"
#include "tokenserver/oauth/oauth_error.h"
#include "tokenserver/store/memory_store.h"
#include "tokenserver/store/redis_store.h"

namespace nauthera {
namespace {

// The edge's own refusals (400, 405, 408, 413, 414, 431, 503, 505) in the catalogue's JSON
// form, so every answer of the token server has one shape (RFC 6749 §5.2).
HttpResponse EdgeError(int status, absl::string_view message) {
  OAuthErrorCode code = status == 503   ? OAuthErrorCode::kTemporarilyUnavailable
                        : status >= 500 ? OAuthErrorCode::kServerError
                                        : OAuthErrorCode::kInvalidRequest;
  OAuthError error = MakeOAuthError(code, std::string(message));
  error.status_override = status;
  return ToHttpResponse(error);
}

std::string DefaultNodeId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

}  // namespace

absl::Status TokenServerApp::MakeStores(const TokenServerOptions& options) {
  std::string redis_url = options.redis_url;
  if (const char* env = std::getenv("NAUTHERA_REDIS_URL"); redis_url.empty() && env != nullptr) {
    redis_url = env;
  }
  if (redis_url.empty()) {
    one_time_ = std::make_unique<MemoryStore>();
    limiter_ = std::make_unique<LoginLimiter>();
    store_name_ = "memory";
    return absl::OkStatus();
  }
  auto url = ParseRedisUrl(redis_url);
  if (!url.ok()) return url.status();
  RedisStore::Options redis;
  redis.client.url = *url;
  redis.client.pool_size = resolved_.threads;  // at most one Redis call per I/O thread
  redis.client.timeout = std::chrono::milliseconds(options.redis_timeout_ms);
  auto store = std::make_unique<RedisStore>(redis);
  // Logs "redis reachable" or "redis unavailable". Not fatal: the server starts, /readyz says
  // why it is not ready, and it serves once Redis answers.
  (void)store->Ready();
  limiter_ = std::make_unique<LoginLimiter>(LoginLimiter::Limits{}, store.get());
  one_time_ = std::move(store);
  store_name_ = url->Redacted();
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TokenServerApp>> TokenServerApp::Start(
    const TokenServerOptions& options) {
  std::unique_ptr<TokenServerApp> app(new TokenServerApp());
  // 1. Refuse what is unsafe or incomplete.
  auto resolved = Resolve(options);
  if (!resolved.ok()) return resolved.status();
  app->resolved_ = *resolved;
  // 2. The state stream (not started yet) and the stores.
  StateClientOptions client_options{
      options.controller, options.node_id.empty() ? DefaultNodeId() : options.node_id,
      options.grpc_tls_ca, options.grpc_tls_cert, options.grpc_tls_key};
  auto client = StateClient::Create(client_options, &app->state_);
  if (!client.ok()) return client.status();
  app->client_ = *std::move(client);
  if (absl::Status s = app->MakeStores(options); !s.ok()) return s;
  // 3. The router behind the HTTP edge.
  app->router_ = std::make_unique<Router>(&app->state_, app->one_time_.get(),
                                          app->limiter_.get(),
                                          [] { return static_cast<int64_t>(std::time(nullptr)); });
  app->router_->set_draining(&app->draining_);
  app->router_->set_trusted_proxies(app->resolved_.trusted_proxies);
  HttpServer::Options http;
  http.listen_url = options.listen;
  http.tls_cert_file = options.tls_cert_file;
  http.tls_key_file = options.tls_key_file;
  http.limits = app->resolved_.limits;
  http.threads = app->resolved_.threads;
  http.body_limit = BodyLimit;
  http.allowed_methods = AllowedMethods;
  http.error_response = EdgeError;
  Router* router = app->router_.get();
  auto server = HttpServer::Start(
      std::move(http), [router](const HttpRequest& request) { return router->Handle(request); });
  if (!server.ok()) return server.status();
  app->server_ = *std::move(server);
  if (!options.metrics_listen.empty()) {
    HttpServer::Options ops;
    ops.listen_url = options.metrics_listen;
    ops.limits = app->resolved_.limits;
    ops.threads = 1;
    ops.body_limit = [](absl::string_view, absl::string_view) { return size_t{0}; };
    auto metrics = HttpServer::Start(std::move(ops), [router](const HttpRequest& request) {
      return router->HandleOps(request);
    });
    if (!metrics.ok()) return metrics.status();
    app->metrics_server_ = *std::move(metrics);
  }
  // 4. Only now ask the controller for state.
  app->client_->Start();
  LogInfo("token server started", {{"listen", options.listen},
                                   {"metrics_listen", options.metrics_listen.empty()
                                                          ? "(none)" : options.metrics_listen},
                                   {"controller", client_options.controller_address},
                                   {"threads", std::to_string(app->resolved_.threads)},
                                   {"one_time_store", app->store_name_}});
  return app;
}

void TokenServerApp::Shutdown() {
  if (stopped_) return;
  stopped_ = true;
  // A start that failed part-way has nothing to drain: stop what was made, at once.
  if (!server_) {
    if (client_) client_->Stop();
    return;
  }
  draining_.store(true);
  server_->CloseAfterResponses();
  if (resolved_.shutdown_delay.count() > 0) {
    LogInfo("draining: /readyz answers 503",
            {{"delay_ms", std::to_string(resolved_.shutdown_delay.count())}});
    std::this_thread::sleep_for(resolved_.shutdown_delay);
  }
  if (server_) server_->Shutdown(resolved_.shutdown_timeout);
  if (metrics_server_) metrics_server_->Shutdown(std::chrono::seconds(1));
  if (client_) client_->Stop();
  LogInfo("token server stopped");
}

TokenServerApp::~TokenServerApp() { Shutdown(); }

}  // namespace nauthera
