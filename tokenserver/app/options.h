// The token server's settings, the flags that set them, and the checks that refuse to start
// with an unsafe configuration.
#ifndef NAUTHERA_TOKENSERVER_APP_OPTIONS_H_
#define NAUTHERA_TOKENSERVER_APP_OPTIONS_H_

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "common/http/http_flags.h"
#include "common/util/flag_set.h"
#include "tokenserver/http/client_address.h"

namespace nauthera {

struct TokenServerOptions {
  // The controller's state stream: its Unix socket (the controller's default, relative to
  // the working folder like its --state-dir=.state), or HOST:PORT with mutual TLS.
  std::string controller = "unix:.state/state.sock";
  std::string listen = "http://127.0.0.1:8080";
  // /healthz, /readyz and /metrics for probes and Prometheus; "" = none (never on --listen).
  std::string metrics_listen;
  std::string tls_cert_file;
  std::string tls_key_file;
  bool plain_http_behind_tls_proxy = false;
  // CIDRs of the proxies whose X-Forwarded-For / Forwarded name the client; "" = none.
  std::string trusted_proxies;
  std::string grpc_tls_ca;
  std::string grpc_tls_cert;
  std::string grpc_tls_key;
  int threads = 0;  // 0 = one per core
  std::string node_id;
  std::string redis_url;
  int redis_timeout_ms = 1000;
  HttpFlagValues http;
  std::string shutdown_delay = "0s";
  std::string shutdown_timeout = "10s";
};

void DeclareTokenServerFlags(FlagSet* flags, TokenServerOptions* options);

// --listen must be https, or http on loopback, or http behind a TLS proxy the operator names.
absl::Status CheckListen(const std::string& listen, bool behind_proxy);

// The settings the flags' text forms describe, checked.
struct ResolvedOptions {
  HttpLimits limits;
  int threads = 2;
  std::chrono::milliseconds shutdown_delay{0};
  std::chrono::milliseconds shutdown_timeout{10000};
  TrustedProxies trusted_proxies;
};
absl::StatusOr<ResolvedOptions> Resolve(const TokenServerOptions& options);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_APP_OPTIONS_H_
