// nauthera-tokenserver: serves the OAuth2/OIDC endpoints from the last state the controller
// pushed. One replica keeps codes, refresh families and login counters in memory; with
// --redis-url any number of replicas share them in Redis behind one Service.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/http/http_server.h"
#include "common/util/flag_set.h"
#include "common/util/log.h"
#include "common/util/url.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/http/router.h"
#include "tokenserver/state/state_client.h"
#include "tokenserver/store/memory_store.h"
#include "tokenserver/store/redis_store.h"

namespace nauthera {
namespace {

struct Options {
  std::string controller = "127.0.0.1:7070";
  std::string listen = "http://127.0.0.1:8080";
  std::string tls_cert_file;
  std::string tls_key_file;
  bool plain_http_behind_tls_proxy = false;
  std::string grpc_tls_ca;
  std::string grpc_tls_cert;
  std::string grpc_tls_key;
  int threads = 0;
  std::string node_id;
  std::string redis_url;
  int redis_timeout_ms = 1000;
};

void DeclareFlags(FlagSet* flags, Options* o) {
  flags->String("controller", &o->controller, "The controller's state stream, host:port");
  flags->String("listen", &o->listen,
                "Where to serve OAuth2/OIDC: http://HOST:PORT (loopback only) or "
                "https://HOST:PORT");
  flags->String("tls-cert-file", &o->tls_cert_file, "PEM certificate chain for an https --listen");
  flags->String("tls-key-file", &o->tls_key_file, "PEM private key for an https --listen");
  flags->Bool("plain-http-behind-tls-proxy", &o->plain_http_behind_tls_proxy,
              "Allow a non-loopback http --listen because a TLS-terminating proxy fronts it");
  flags->String("grpc-tls-ca", &o->grpc_tls_ca,
                "CA that signed the controller's certificate (mutual TLS)");
  flags->String("grpc-tls-cert", &o->grpc_tls_cert, "This token server's client certificate");
  flags->String("grpc-tls-key", &o->grpc_tls_key, "This token server's client key");
  flags->Int("threads", &o->threads, "HTTP worker threads; 0 = one per core");
  flags->String("node-id", &o->node_id, "Name in the controller's logs (default host-pid)");
  flags->String("redis-url", &o->redis_url,
                "Share authorization codes, refresh-token families and login attempt counters "
                "with other replicas in Redis: redis://[[user]:password@]host[:port][/db]. "
                "Default: $NAUTHERA_REDIS_URL (keeps a password out of the command line); "
                "empty = in this process's memory (one replica only)");
  flags->Int("redis-timeout-ms", &o->redis_timeout_ms,
             "Redis connect and command timeout in milliseconds");
}

// The one-time store and the login limiter's counters: Redis when configured, else memory.
struct Stores {
  std::unique_ptr<OneTimeStore> one_time;
  std::unique_ptr<LoginLimiter> limiter;
  std::string store_name;  // for the start-up log line
};

absl::StatusOr<Stores> MakeStores(const Options& options, int threads) {
  Stores stores;
  std::string redis_url = options.redis_url;
  if (const char* env = std::getenv("NAUTHERA_REDIS_URL"); redis_url.empty() && env != nullptr) {
    redis_url = env;
  }
  if (redis_url.empty()) {
    stores.one_time = std::make_unique<MemoryStore>();
    stores.limiter = std::make_unique<LoginLimiter>();
    stores.store_name = "memory";
    return stores;
  }
  auto url = ParseRedisUrl(redis_url);
  if (!url.ok()) return url.status();
  if (options.redis_timeout_ms <= 0) {
    return absl::InvalidArgumentError("--redis-timeout-ms must be positive");
  }
  RedisStore::Options redis;
  redis.client.url = *url;
  redis.client.pool_size = threads;  // at most one Redis call per HTTP worker at a time
  redis.client.timeout = std::chrono::milliseconds(options.redis_timeout_ms);
  auto store = std::make_unique<RedisStore>(redis);
  // Logs "redis reachable" or "redis unavailable". Not fatal: the server starts, /readyz says
  // why it is not ready, and it serves once Redis answers.
  (void)store->Ready();
  stores.limiter = std::make_unique<LoginLimiter>(LoginLimiter::Limits{}, store.get());
  stores.one_time = std::move(store);
  stores.store_name = url->Redacted();
  return stores;
}

absl::Status CheckListen(const std::string& listen, bool behind_proxy) {
  auto url = ParseUrl(listen);
  if (!url.ok()) return url.status();
  if (url->scheme == "https") return absl::OkStatus();
  if (url->scheme != "http") return absl::InvalidArgumentError("--listen must be http or https");
  if (IsLoopbackHost(url->host) || behind_proxy) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--listen=", listen, " is plain http on a non-loopback address; serve https with "
      "--tls-cert-file/--tls-key-file, or pass --plain-http-behind-tls-proxy if a TLS proxy "
      "fronts this server"));
}

std::string DefaultNodeId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

int Run(const Options& options) {
  SetLogComponent("tokenserver");
  const std::string& listen = options.listen;
  if (absl::Status s = CheckListen(listen, options.plain_http_behind_tls_proxy); !s.ok()) {
    LogError("cannot start", {{"error", std::string(s.message())}});
    return 2;
  }
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  InitHttpThreads(threads);

  // Block the termination signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  StateHolder state;
  StateClientOptions client_options{
      options.controller, options.node_id.empty() ? DefaultNodeId() : options.node_id,
      options.grpc_tls_ca, options.grpc_tls_cert, options.grpc_tls_key};
  auto client = StateClient::Create(client_options, &state);
  if (!client.ok()) {
    LogError("cannot start", {{"error", std::string(client.status().message())}});
    return 2;
  }
  auto stores = MakeStores(options, threads);
  if (!stores.ok()) {
    LogError("cannot start", {{"error", std::string(stores.status().message())}});
    return 2;
  }
  Router router(&state, stores->one_time.get(), stores->limiter.get(),
                [] { return static_cast<int64_t>(std::time(nullptr)); });
  HttpServer::Options http_options{listen, kMaxTokenRequestBytes, options.tls_cert_file,
                                   options.tls_key_file};
  auto server = HttpServer::Start(http_options, [&router](const HttpRequest& request) {
    return router.Handle(request);
  });
  if (!server.ok()) {
    LogError("cannot start", {{"error", std::string(server.status().message())}});
    return 2;
  }
  (*client)->Start();
  LogInfo("token server started", {{"listen", listen},
                                   {"controller", client_options.controller_address},
                                   {"threads", std::to_string(threads)},
                                   {"one_time_store", stores->store_name}});
  int received = 0;
  sigwait(&signals, &received);
  LogInfo("shutting down", {{"signal", std::to_string(received)}});
  (*server)->Stop();
  (*client)->Stop();
  return 0;
}

}  // namespace
}  // namespace nauthera

int main(int argc, char** argv) {
  nauthera::FlagSet flags(
      "nauthera-tokenserver serves Nauthera's OAuth2/OIDC endpoints from the controller's state.\n"
      "  nauthera-tokenserver --controller=127.0.0.1:7070 --listen=http://127.0.0.1:8080");
  nauthera::Options options;
  nauthera::DeclareFlags(&flags, &options);
  bool help = false;
  if (absl::Status s = flags.Parse(argc, argv, &help); !s.ok()) {
    std::fprintf(stderr, "nauthera-tokenserver: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (help) {
    std::printf("%s", flags.Usage().c_str());
    return 0;
  }
  return nauthera::Run(options);
}
