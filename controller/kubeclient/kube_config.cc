#include "controller/kubeclient/kube_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/encoding/base64.h"
#include "common/util/status_macros.h"
#include "yaml-cpp/yaml.h"

namespace nauthera::controller::kube {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

std::string Resolve(absl::string_view base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return absl::StrCat(base_dir, "/", path);
}

std::string Scalar(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

// The `field` map of the entry named `name` in list `list` ("clusters" → "cluster").
absl::StatusOr<YAML::Node> FindNamed(const YAML::Node& root, const char* list, const char* field,
                                     const std::string& name) {
  const YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const YAML::Node& entry : entries) {
      if (entry.IsMap() && Scalar(entry, "name") == name && entry[field] && entry[field].IsMap()) {
        return entry[field];
      }
    }
  }
  return absl::NotFoundError(
      absl::StrCat("kubeconfig: no ", field, " named \"", name, "\" in ", list));
}

// `<key>-data` (base64) or `<key>` (a file); both at once is an error, as in client-go.
absl::StatusOr<std::string> DataOrFile(const YAML::Node& map, const std::string& key,
                                       absl::string_view base_dir) {
  std::string data = Scalar(map, (key + "-data").c_str());
  std::string file = Scalar(map, key.c_str());
  if (!data.empty() && !file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig: both ", key, " and ", key, "-data are set; keep one"));
  }
  if (!data.empty()) {
    absl::StatusOr<std::string> decoded = Base64Decode(data);
    if (!decoded.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", key, "-data is not base64"));
    }
    return *decoded;
  }
  if (!file.empty()) return ReadFile(Resolve(base_dir, file), key);
  return std::string();
}

absl::Status ReadCluster(const YAML::Node& cluster, absl::string_view base_dir,
                         KubeConfig* config) {
  config->server = std::string(absl::StripSuffix(Scalar(cluster, "server"), "/"));
  if (!absl::StartsWith(config->server, "https://") &&
      !absl::StartsWith(config->server, "http://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig: cluster server \"", config->server, "\" is not an http(s) URL"));
  }
  ASSIGN_OR_RETURN(config->ca_pem, DataOrFile(cluster, "certificate-authority", base_dir));
  config->insecure_skip_tls_verify = Scalar(cluster, "insecure-skip-tls-verify") == "true";
  config->tls_server_name = Scalar(cluster, "tls-server-name");
  return absl::OkStatus();
}

absl::Status ReadUser(const YAML::Node& user, absl::string_view base_dir, KubeConfig* config) {
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (user[unsupported]) {
      return absl::UnimplementedError(absl::StrCat(
          "kubeconfig: user entry \"", unsupported,
          "\" is not supported; use a client certificate, token or tokenFile"));
    }
  }
  ASSIGN_OR_RETURN(config->client_cert_pem, DataOrFile(user, "client-certificate", base_dir));
  ASSIGN_OR_RETURN(config->client_key_pem, DataOrFile(user, "client-key", base_dir));
  if (config->client_cert_pem.empty() != config->client_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "kubeconfig: a client certificate needs its key, and a key its certificate");
  }
  // As in client-go, an inline token wins over tokenFile.
  std::string token = Scalar(user, "token");
  std::string token_file = Scalar(user, "tokenFile");
  if (!token.empty()) {
    config->token = TokenSource::Fixed(token);
  } else if (!token_file.empty()) {
    ASSIGN_OR_RETURN(config->token, TokenSource::FromFile(Resolve(base_dir, token_file)));
  }
  return absl::OkStatus();
}

absl::StatusOr<KubeConfig> ParseKubeConfigOrThrow(absl::string_view yaml,
                                                  absl::string_view base_dir,
                                                  absl::string_view context_override) {
  YAML::Node root = YAML::Load(std::string(yaml));
  if (!root.IsMap()) return absl::InvalidArgumentError("kubeconfig: not a YAML mapping");
  std::string context_name =
      context_override.empty() ? Scalar(root, "current-context") : std::string(context_override);
  if (context_name.empty()) {
    return absl::InvalidArgumentError("kubeconfig: no current-context and no context given");
  }
  ASSIGN_OR_RETURN(YAML::Node context, FindNamed(root, "contexts", "context", context_name));
  KubeConfig config;
  ASSIGN_OR_RETURN(YAML::Node cluster,
                   FindNamed(root, "clusters", "cluster", Scalar(context, "cluster")));
  RETURN_IF_ERROR(ReadCluster(cluster, base_dir, &config));
  std::string user_name = Scalar(context, "user");
  if (!user_name.empty()) {
    ASSIGN_OR_RETURN(YAML::Node user, FindNamed(root, "users", "user", user_name));
    RETURN_IF_ERROR(ReadUser(user, base_dir, &config));
  }
  std::string ns = Scalar(context, "namespace");
  if (!ns.empty()) config.default_namespace = ns;
  return config;
}

}  // namespace

absl::StatusOr<KubeConfig> ParseKubeConfig(absl::string_view yaml, absl::string_view base_dir,
                                           absl::string_view context) {
  try {
    return ParseKubeConfigOrThrow(yaml, base_dir, context);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", e.what()));
  }
}

absl::StatusOr<KubeConfig> LoadKubeConfigFile(const std::string& path,
                                              absl::string_view context) {
  ASSIGN_OR_RETURN(std::string yaml, ReadFile(path, "kubeconfig"));
  std::string base_dir;
  if (size_t slash = path.rfind('/'); slash != std::string::npos) {
    base_dir = path.substr(0, slash == 0 ? 1 : slash);
  }
  absl::StatusOr<KubeConfig> config = ParseKubeConfig(yaml, base_dir, context);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

absl::StatusOr<KubeConfig> LoadInClusterConfig(const InClusterOptions& options) {
  std::string host = options.host;
  std::string port = options.port;
  if (host.empty()) {
    const char* env = std::getenv("KUBERNETES_SERVICE_HOST");
    host = env ? env : "";
  }
  if (port.empty()) {
    const char* env = std::getenv("KUBERNETES_SERVICE_PORT");
    port = env ? env : "";
  }
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  KubeConfig config;
  // An IPv6 service address needs brackets in a URL (RFC 3986 §3.2.2).
  bool ipv6 = host.find(':') != std::string::npos;
  config.server = absl::StrCat("https://", ipv6 ? "[" : "", host, ipv6 ? "]" : "", ":", port);
  ASSIGN_OR_RETURN(config.token,
                   TokenSource::FromFile(options.token_path, options.token_reread_after));
  ASSIGN_OR_RETURN(config.ca_pem, ReadFile(options.ca_path, "service-account CA"));
  absl::StatusOr<std::string> ns = ReadFile(options.namespace_path, "namespace file");
  if (ns.ok() && !absl::StripAsciiWhitespace(*ns).empty()) {
    config.default_namespace = std::string(absl::StripAsciiWhitespace(*ns));
  }
  return config;
}

absl::StatusOr<KubeConfig> LoadDefaultKubeConfig() {
  if (const char* list = std::getenv("KUBECONFIG"); list != nullptr && *list != '\0') {
    for (absl::string_view path : absl::StrSplit(list, ':', absl::SkipEmpty())) {
      if (FileExists(std::string(path))) return LoadKubeConfigFile(std::string(path));
    }
    return absl::NotFoundError(absl::StrCat("none of the files in KUBECONFIG exists: ", list));
  }
  if (std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) return LoadInClusterConfig();
  const char* home = std::getenv("HOME");
  if (home != nullptr) {
    std::string path = absl::StrCat(home, "/.kube/config");
    if (FileExists(path)) return LoadKubeConfigFile(path);
  }
  return absl::NotFoundError(
      "no Kubernetes configuration: set KUBECONFIG, run in a cluster, or create ~/.kube/config");
}

}  // namespace nauthera::controller::kube
