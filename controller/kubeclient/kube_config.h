// Where the API server is and how to authenticate to it: from a kubeconfig file (the
// current-context's cluster and user) or from the in-cluster service-account mount.
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
// https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CONFIG_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CONFIG_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/kubeclient/token_source.h"

namespace nauthera::controller::kube {

struct KubeConfig {
  std::string server;  // "https://host:port", no trailing slash
  // PEM CA bundle that alone is trusted for the server's certificate; "" means the system's
  // trust store.
  std::string ca_pem;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // overrides the host name checked in the certificate
  std::string client_cert_pem;  // client certificate authentication, with the key
  std::string client_key_pem;
  std::shared_ptr<TokenSource> token;  // bearer token, or nullptr
  // The context's namespace, or the pod's namespace in cluster; "default" otherwise.
  std::string default_namespace = "default";
};

// Parses kubeconfig YAML. Relative file paths in it are relative to `base_dir` (the folder of
// the kubeconfig file, as kubectl resolves them). `context` overrides current-context.
// Unsupported user entries (exec plugins, auth-provider, basic auth) are refused by name.
absl::StatusOr<KubeConfig> ParseKubeConfig(absl::string_view yaml, absl::string_view base_dir,
                                           absl::string_view context = "");

absl::StatusOr<KubeConfig> LoadKubeConfigFile(const std::string& path,
                                              absl::string_view context = "");

// The service-account mount and environment a pod sees; overridable for tests.
struct InClusterOptions {
  std::string token_path = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_path = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
  // Empty: from KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT.
  std::string host;
  std::string port;
  absl::Duration token_reread_after = absl::Minutes(1);
};

absl::StatusOr<KubeConfig> LoadInClusterConfig(const InClusterOptions& options = {});

// As client-go's default loading: the first file named by $KUBECONFIG (a ':'-separated list;
// lists are not merged), else the in-cluster configuration when KUBERNETES_SERVICE_HOST is
// set, else ~/.kube/config.
absl::StatusOr<KubeConfig> LoadDefaultKubeConfig();

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CONFIG_H_
