#include "controller/app/flags.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/http/http_flags.h"
#include "common/util/flag_set.h"

namespace nauthera::controller {
namespace {

constexpr char kHeader[] =
    R"(Usage: nauthera-controller (--manifests=DIR | --kubeconfig=PATH | --in-cluster)
                           --issuer-url=URL [flags]

Reads Nauthera's resources from a folder of manifests (local mode) or from the Kubernetes API,
writes credentials Secrets, signing keys and status (into a state folder, or into the cluster),
and streams the state to token servers.)";

// The flags, bound to `options` and to the text forms of the non-string ones.
struct Binding {
  FlagSet set{kHeader};
  std::string poll_interval = "500ms";
  std::string lease_duration = "15s";
  int jwks_max_age = 60;
  std::string key_rotation_period = "168h";
  std::string key_publish_ahead = "10m";
  std::string key_retired_overlap = "1h";
  HttpFlagValues http;

  explicit Binding(ControllerOptions& o) {
    set.String("manifests", &o.manifests, "folder of *.yaml / *.yml manifests (required)");
    set.String("state-dir", &o.state_dir,
               "generated Secrets, signing keys, status.txt (Kubernetes mode: status.txt only)");
    set.String("kubeconfig", &o.kubeconfig,
               "Kubernetes mode: read resources from the API server this kubeconfig names");
    set.Bool("in-cluster", &o.in_cluster,
             "Kubernetes mode with the pod's service account (instead of --kubeconfig)");
    set.String("namespace", &o.ns,
               "Kubernetes mode: the controller's namespace, where the signing key Secret and "
               "the Lease live (default: the kubeconfig context's or the pod's)");
    set.String("watch-namespace", &o.watch_namespace,
               "Kubernetes mode: watch namespaced resources in this namespace only (default: "
               "all)");
    set.Bool("leader-elect", &o.leader_elect,
             "Kubernetes mode: only the holder of the Lease nauthera-controller writes; every "
             "replica serves the state stream");
    set.String("leader-elect-lease-duration", &lease_duration,
               "how long a Lease lasts without renewal (takeover time after a crash)");
    set.String("issuer-url", &o.issuer_url,
               "the issuer, exactly as kube-apiserver's --oidc-issuer-url (required; https "
               "unless on loopback, e.g. http://127.0.0.1:8080)");
    set.String("grpc-listen", &o.grpc_listen,
               "state stream for token servers (default: the Unix socket "
               "<state-dir>/state.sock, only this user may connect); unix:/path, or "
               "HOST:PORT with the three --grpc-tls flags (never plaintext TCP)");
    set.String("http-listen", &o.http_listen, "/healthz /readyz /metrics /status /keys (loopback)");
    set.String("metrics-listen", &o.metrics_listen,
               "optional: /healthz /readyz /metrics only, on any address (probes, Prometheus), "
               "e.g. http://0.0.0.0:9090");
    set.String("grpc-tls-cert", &o.grpc_tls_cert,
               "mutual TLS for the state stream: the server certificate (PEM); the three "
               "--grpc-tls flags go together and need a TCP --grpc-listen=HOST:PORT");
    set.String("grpc-tls-key", &o.grpc_tls_key, "mutual TLS: the server's private key (PEM)");
    set.String("grpc-client-ca", &o.grpc_client_ca,
               "mutual TLS: the CA of token servers' client certificates (PEM)");
    set.String("poll-interval", &poll_interval, "how often the folder is checked for changes");
    set.Int("jwks-max-age", &jwks_max_age, "Cache-Control max-age of the JWKS, in seconds");
    set.String("key-rotation-period", &key_rotation_period,
               "replace the signing key this often (0: only when asked with the annotation "
               "auth.nauthera.io/rotate on the key Secret)");
    set.String("key-publish-ahead", &key_publish_ahead,
               "a new signing key is in the JWKS this long before it signs (at least twice "
               "--jwks-max-age, so verifiers' caches have it)");
    set.String("key-retired-overlap", &key_retired_overlap,
               "a retired key stays in the JWKS at least this long (and always until every "
               "token it signed has expired)");
    set.String("signing-algorithm", &o.signing_algorithm,
               "RS256 or ES256: the algorithm of new signing keys (the first key, and each "
               "rotation's new key); keys already made keep theirs");
    DeclareHttpFlags(&set, &http);
  }
};

}  // namespace

absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<std::string>& args) {
  ParsedFlags parsed;
  Binding binding(parsed.options);
  std::vector<char*> argv = {const_cast<char*>("nauthera-controller")};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  absl::Status status =
      binding.set.Parse(static_cast<int>(argv.size()), argv.data(), &parsed.help);
  if (!status.ok()) return status;
  if (!absl::ParseDuration(binding.poll_interval, &parsed.options.poll_interval)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--poll-interval=", binding.poll_interval, ": write a duration like 500ms or 1s"));
  }
  parsed.options.jwks_max_age_seconds = binding.jwks_max_age;
  for (auto [flag, text, target] :
       {std::tuple{"--key-rotation-period", &binding.key_rotation_period,
                   &parsed.options.key_rotation_period},
        std::tuple{"--key-publish-ahead", &binding.key_publish_ahead,
                   &parsed.options.key_publish_ahead},
        std::tuple{"--key-retired-overlap", &binding.key_retired_overlap,
                   &parsed.options.key_retired_overlap}}) {
    if (!absl::ParseDuration(*text, target) || *target < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, "=", *text, ": write a duration like 10m, 168h or 0"));
    }
  }
  if (!absl::ParseDuration(binding.lease_duration, &parsed.options.lease_duration)) {
    return absl::InvalidArgumentError(absl::StrCat("--leader-elect-lease-duration=",
                                                   binding.lease_duration,
                                                   ": write a duration like 15s"));
  }
  absl::StatusOr<HttpLimits> limits = binding.http.ToLimits();
  if (!limits.ok()) return limits.status();
  parsed.options.http_limits = *limits;
  return parsed;
}

std::string FlagsUsage() {
  ControllerOptions defaults;
  return Binding(defaults).set.Usage();
}

}  // namespace nauthera::controller
