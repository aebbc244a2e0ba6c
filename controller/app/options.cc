#include "controller/app/options.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/url.h"

namespace nauthera::controller {

bool IsLoopbackListenAddress(const std::string& address) {
  if (absl::StartsWith(address, "unix:")) return true;  // a socket file is local by nature
  std::string host = address;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    host = close == std::string::npos ? "" : host.substr(1, close - 1);
  } else {
    size_t colon = host.rfind(':');
    if (colon != std::string::npos) host = host.substr(0, colon);
  }
  return IsLoopbackHost(host);
}

RotationSettings RotationSettingsFrom(const ControllerOptions& options) {
  RotationSettings settings;
  settings.period_seconds = absl::ToInt64Seconds(options.key_rotation_period);
  settings.publish_ahead_seconds = absl::ToInt64Seconds(options.key_publish_ahead);
  settings.retired_overlap_seconds = absl::ToInt64Seconds(options.key_retired_overlap);
  settings.jwks_max_age_seconds = options.jwks_max_age_seconds;
  return settings;
}

absl::Status ValidateOptions(const ControllerOptions& options) {
  auto refuse = [](absl::string_view why) { return absl::InvalidArgumentError(why); };
  if (!options.kubeconfig.empty() && options.in_cluster) {
    return refuse("--kubeconfig and --in-cluster exclude each other: pick one way to reach the "
                  "Kubernetes API");
  }
  if (options.kubernetes() && !options.manifests.empty()) {
    return refuse("--manifests (local mode) and --kubeconfig / --in-cluster (Kubernetes mode) "
                  "exclude each other");
  }
  if (!options.kubernetes() && options.manifests.empty()) {
    return refuse("--manifests is required: the folder of manifests to read (e.g. "
                  "--manifests=examples/quickstart); or --kubeconfig=PATH / --in-cluster to "
                  "read them from Kubernetes");
  }
  if (!options.kubernetes() && options.leader_elect) {
    return refuse("--leader-elect needs --kubeconfig or --in-cluster (the Lease is in "
                  "Kubernetes)");
  }
  if (options.lease_duration < absl::Seconds(2)) {
    return refuse("--leader-elect-lease-duration must be at least 2s");
  }
  if (options.state_dir.empty()) return refuse("--state-dir must not be empty");
  if (options.issuer_url.empty()) {
    return refuse("--issuer-url is required: the URL token servers are reached at, exactly as "
                  "kube-apiserver's --oidc-issuer-url (e.g. http://127.0.0.1:8080 locally)");
  }
  absl::Status issuer = ValidateIssuerUrl(options.issuer_url);
  if (!issuer.ok()) return refuse(absl::StrCat("--issuer-url: ", issuer.message()));
  int tls_files = !options.grpc_tls_cert.empty() + !options.grpc_tls_key.empty() +
                  !options.grpc_client_ca.empty();
  if (tls_files != 0 && tls_files != 3) {
    return refuse("--grpc-tls-cert, --grpc-tls-key and --grpc-client-ca go together (mutual "
                  "TLS: the server's certificate and key, and the CA that signs token servers' "
                  "client certificates)");
  }
  if (tls_files == 0 && !IsLoopbackListenAddress(options.grpc_listen)) {
    return refuse(absl::StrCat(
        "--grpc-listen=", options.grpc_listen,
        " is not a loopback address: controller <-> token server traffic must be mutual TLS "
        "outside local mode; set --grpc-tls-cert, --grpc-tls-key and --grpc-client-ca, or "
        "listen on 127.0.0.1"));
  }
  absl::StatusOr<Url> http = ParseUrl(options.http_listen);
  if (!http.ok() || http->scheme != "http" || !IsLoopbackHost(http->host)) {
    // /status names client ids and Secret paths: keep it on this machine in local mode.
    return refuse(absl::StrCat("--http-listen=", options.http_listen,
                               " must be a plain http URL on a loopback host, e.g. "
                               "http://127.0.0.1:7071"));
  }
  if (!options.metrics_listen.empty()) {
    absl::StatusOr<Url> metrics = ParseUrl(options.metrics_listen);
    if (!metrics.ok() || metrics->scheme != "http" || metrics->port == 0) {
      return refuse(absl::StrCat("--metrics-listen=", options.metrics_listen,
                                 " must be a plain http URL with a port, e.g. "
                                 "http://0.0.0.0:9090"));
    }
  }
  if (options.poll_interval < absl::Milliseconds(10) || options.poll_interval > absl::Seconds(1)) {
    return refuse("--poll-interval must be between 10ms and 1s (changes must be served within "
                  "2 s)");
  }
  if (options.jwks_max_age_seconds < 0 || options.jwks_max_age_seconds > 86400) {
    return refuse("--jwks-max-age must be between 0 and 86400 seconds");
  }
  return ValidateRotationSettings(RotationSettingsFrom(options));
}

}  // namespace nauthera::controller
