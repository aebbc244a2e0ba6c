#include "controller/app/options.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/crypto/jws_key.h"
#include "common/util/url.h"

namespace nauthera::controller {

namespace {

std::string Absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[4096];
  if (::getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return absl::StrCat(cwd, "/", absl::StripPrefix(path, "./"));
}

}  // namespace

std::string StateListenAddress(const ControllerOptions& options) {
  if (!options.grpc_listen.empty()) return options.grpc_listen;
  return absl::StrCat("unix:", Absolute(options.state_dir), "/", kStateSocketName);
}

std::string UnixSocketPath(const std::string& address) {
  absl::string_view rest = address;
  if (!absl::ConsumePrefix(&rest, "unix:")) return "";
  if (absl::StartsWith(rest, "//")) rest.remove_prefix(2);  // unix:///abs/path
  return rest.empty() ? "" : Absolute(std::string(rest));
}

RotationSettings RotationSettingsFrom(const ControllerOptions& options) {
  RotationSettings settings;
  settings.period_seconds = absl::ToInt64Seconds(options.key_rotation_period);
  settings.publish_ahead_seconds = absl::ToInt64Seconds(options.key_publish_ahead);
  settings.retired_overlap_seconds = absl::ToInt64Seconds(options.key_retired_overlap);
  settings.jwks_max_age_seconds = options.jwks_max_age_seconds;
  return settings;
}

namespace {

// The state stream hands out the signing key, the session/CSRF key, password hashes and
// secret HMACs: it is served only to a peer the kernel (a Unix socket's peer credentials) or
// a certificate (mutual TLS) vouches for, never on plaintext TCP, loopback included (any
// process of any user on the machine can connect to 127.0.0.1).
absl::Status ValidateStateListen(const ControllerOptions& options, bool mutual_tls) {
  std::string address = StateListenAddress(options);
  bool unix_socket = absl::StartsWith(address, "unix:");
  if (absl::StartsWith(address, "unix-abstract:")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc-listen=", address, ": an abstract socket has no file permissions, so any "
        "local user could read the state stream; leave --grpc-listen out (the socket "
        "<state-dir>/state.sock) or give unix:/path"));
  }
  if (unix_socket && UnixSocketPath(address).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--grpc-listen=", address,
                                                   " names no socket path: unix:/path"));
  }
  if (unix_socket && mutual_tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc-tls-cert, --grpc-tls-key and --grpc-client-ca are for a TCP --grpc-listen, "
        "and the state stream is on the Unix socket ", UnixSocketPath(address),
        " (authenticated by its peer's user id): give --grpc-listen=HOST:PORT for mutual "
        "TLS, or drop the TLS flags"));
  }
  if (!unix_socket && !mutual_tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc-listen=", address, " is plaintext TCP: the state stream carries the "
        "signing key and password hashes, and any process on this machine can connect to "
        "a TCP port, loopback included. Leave --grpc-listen out to serve it on the Unix "
        "socket <state-dir>/", kStateSocketName, " (only this user may connect; token "
        "servers dial --controller=unix:<state-dir>/", kStateSocketName, "), or give "
        "--grpc-tls-cert, --grpc-tls-key and --grpc-client-ca for mutual TLS"));
  }
  return absl::OkStatus();
}

}  // namespace

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
  if (absl::Status stream = ValidateStateListen(options, tls_files == 3); !stream.ok()) {
    return stream;
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
  if (!IsSupportedJwsAlgorithm(options.signing_algorithm)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--signing-algorithm=", options.signing_algorithm, ": write RS256 or ES256"));
  }
  return ValidateRotationSettings(RotationSettingsFrom(options));
}

}  // namespace nauthera::controller
