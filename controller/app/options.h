// The controller's settings (main.cc maps flags onto them) and the checks that refuse to
// start with an unsafe or incomplete configuration.
#ifndef NAUTHERA_CONTROLLER_APP_OPTIONS_H_
#define NAUTHERA_CONTROLLER_APP_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/http/http_limits.h"
#include "controller/keys/key_rotation.h"

namespace nauthera::controller {

struct ControllerOptions {
  std::string manifests;            // --manifests (local mode)
  // Kubernetes mode, the alternative to --manifests: --kubeconfig=PATH or --in-cluster.
  std::string kubeconfig;
  bool in_cluster = false;
  // The controller's own namespace (signing key Secret, Lease); "" = the kubeconfig
  // context's / the pod's namespace.
  std::string ns;
  // Only these namespaced objects are watched; "" = every namespace.
  std::string watch_namespace;
  bool leader_elect = false;
  absl::Duration lease_duration = absl::Seconds(15);
  std::string state_dir = ".state"; // --state-dir
  std::string issuer_url;           // --issuer-url
  // The state stream (it carries the signing key and password hashes): "" = the Unix socket
  // <state-dir>/state.sock, only this user's (controller/sync/state_socket.h);
  // unix:/path = a socket elsewhere, same checks; HOST:PORT = TCP, with mutual TLS only.
  std::string grpc_listen;
  std::string http_listen = "http://127.0.0.1:7071";
  // Optional second listener with only /healthz, /readyz and /metrics (no client ids), for
  // kubelet probes and Prometheus, on any address, e.g. http://0.0.0.0:9090. "" = none.
  std::string metrics_listen;
  // Bounds of both HTTP listeners (--http-max-*, --http-*-timeout).
  HttpLimits http_limits;
  std::string grpc_tls_cert;
  std::string grpc_tls_key;
  std::string grpc_client_ca;
  absl::Duration poll_interval = absl::Milliseconds(500);
  int64_t jwks_max_age_seconds = 60;
  // Signing-key rotation (controller/keys/key_rotation.h).
  absl::Duration key_rotation_period = absl::Hours(7 * 24);  // 0: only when asked
  absl::Duration key_publish_ahead = absl::Minutes(10);
  absl::Duration key_retired_overlap = absl::Hours(1);
  // The JWS alg of every new signing key (RFC 7518 §3.1): "RS256" or "ES256". Existing keys
  // keep theirs; a change takes effect at the next rotation (docs/signing-keys.md).
  std::string signing_algorithm = "RS256";

  bool mutual_tls() const { return !grpc_tls_cert.empty(); }
  bool kubernetes() const { return !kubeconfig.empty() || in_cluster; }
};

// The state socket's file name in the state folder.
inline constexpr char kStateSocketName[] = "state.sock";

// Where the state stream is served: --grpc-listen, or unix:<absolute state-dir>/state.sock.
std::string StateListenAddress(const ControllerOptions& options);

// The absolute socket path of a "unix:PATH" or "unix://ABSOLUTE" address (a relative PATH is
// taken from the working folder); "" for any other address.
std::string UnixSocketPath(const std::string& address);

// The rotation settings the flags describe.
RotationSettings RotationSettingsFrom(const ControllerOptions& options);

// Every reason not to start, as one message a person can act on.
absl::Status ValidateOptions(const ControllerOptions& options);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_OPTIONS_H_
