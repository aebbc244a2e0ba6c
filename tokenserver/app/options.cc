#include "tokenserver/app/options.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/url.h"

namespace nauthera {

void DeclareTokenServerFlags(FlagSet* flags, TokenServerOptions* o) {
  flags->String("controller", &o->controller,
                "The controller's state stream: unix:<state-dir>/state.sock (local mode), or "
                "HOST:PORT with --grpc-tls-ca/--grpc-tls-cert/--grpc-tls-key (never "
                "plaintext TCP)");
  flags->String("listen", &o->listen,
                "Where to serve OAuth2/OIDC: http://HOST:PORT (loopback only) or "
                "https://HOST:PORT");
  flags->String("metrics-listen", &o->metrics_listen,
                "Serve /healthz, /readyz and /metrics here, http://HOST:PORT (e.g. "
                "http://0.0.0.0:9090); /metrics is never served on --listen. Default: none");
  flags->String("tls-cert-file", &o->tls_cert_file,
                "PEM certificate chain for an https --listen (re-read when it changes)");
  flags->String("tls-key-file", &o->tls_key_file,
                "PEM private key for an https --listen (re-read when it changes)");
  flags->Bool("plain-http-behind-tls-proxy", &o->plain_http_behind_tls_proxy,
              "Allow a non-loopback http --listen because a TLS-terminating proxy fronts it");
  flags->String("trusted-proxies", &o->trusted_proxies,
                "Comma-separated CIDRs (IPv4 and IPv6, e.g. 10.0.0.0/8,fd00::/8) of the "
                "proxies in front (Ingress, load balancer): when the TCP peer is one of them, "
                "the client address for the login limits is the rightmost address in "
                "X-Forwarded-For / Forwarded that is not. Default: none (the TCP peer)");
  flags->String("grpc-tls-ca", &o->grpc_tls_ca,
                "CA that signed the controller's certificate (mutual TLS)");
  flags->String("grpc-tls-cert", &o->grpc_tls_cert, "This token server's client certificate");
  flags->String("grpc-tls-key", &o->grpc_tls_key, "This token server's client key");
  flags->Int("threads", &o->threads, "HTTP I/O threads; 0 = one per core (at least 2)");
  flags->String("node-id", &o->node_id, "Name in the controller's logs (default host-pid)");
  flags->String("redis-url", &o->redis_url,
                "Share authorization codes, refresh-token families and login attempt counters "
                "with other replicas in Redis: redis://[[user]:password@]host[:port][/db]. "
                "Default: $NAUTHERA_REDIS_URL (keeps a password out of the command line); "
                "empty = in this process's memory (one replica only)");
  flags->Int("redis-timeout-ms", &o->redis_timeout_ms,
             "Redis connect and command timeout in milliseconds");
  DeclareHttpFlags(flags, &o->http);
  flags->String("shutdown-delay", &o->shutdown_delay,
                "On SIGTERM, keep serving this long with /readyz answering 503, so load "
                "balancers stop sending requests before the listener closes");
  flags->String("shutdown-timeout", &o->shutdown_timeout,
                "Then wait at most this long for requests in flight before exiting");
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

absl::StatusOr<ResolvedOptions> Resolve(const TokenServerOptions& options) {
  if (absl::Status s = CheckListen(options.listen, options.plain_http_behind_tls_proxy);
      !s.ok()) {
    return s;
  }
  ResolvedOptions out;
  auto limits = options.http.ToLimits();
  if (!limits.ok()) return limits.status();
  out.limits = *limits;
  if (options.threads < 0 || options.threads > 256) {
    return absl::InvalidArgumentError("--threads must be 0 (one per core) to 256");
  }
  out.threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  auto delay = ParseFlagDuration("shutdown-delay", options.shutdown_delay, absl::ZeroDuration(),
                                 absl::Minutes(10));
  if (!delay.ok()) return delay.status();
  auto timeout = ParseFlagDuration("shutdown-timeout", options.shutdown_timeout,
                                   absl::ZeroDuration(), absl::Minutes(10));
  if (!timeout.ok()) return timeout.status();
  out.shutdown_delay = *delay;
  out.shutdown_timeout = *timeout;
  auto proxies = TrustedProxies::Parse(options.trusted_proxies);
  if (!proxies.ok()) return proxies.status();
  out.trusted_proxies = *std::move(proxies);
  if (options.redis_timeout_ms <= 0) {
    return absl::InvalidArgumentError("--redis-timeout-ms must be positive");
  }
  return out;
}

}  // namespace nauthera
