#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "common/encoding/base64.h"
#include "controller/kubeclient/cpprest_transport.h"
#include "controller/kubeclient/kube_config.h"
#include "tests/kubeclient/kube_test_util.h"

namespace nauthera::controller::kube {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string TwoContexts(const std::string& user_a, const std::string& cluster_a) {
  return R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: ca
  cluster:
)" + cluster_a + R"(
- name: cb
  cluster:
    server: https://b.example:6443
users:
- name: ua
  user:
)" + user_a + R"(
- name: ub
  user:
    token: token-b
contexts:
- name: a
  context: {cluster: ca, user: ua, namespace: team-a}
- name: b
  context: {cluster: cb, user: ub}
)";
}

TEST_CASE("kubeconfig: current-context picks cluster and user; paths are relative to the file") {
  TempDir dir;
  WriteFile(dir.Path("pki/ca.crt"), "CA PEM");
  WriteFile(dir.Path("pki/admin.crt"), "CERT PEM");
  WriteFile(dir.Path("pki/admin.key"), "KEY PEM");
  WriteFile(dir.Path("kubeconfig"),
            TwoContexts("    client-certificate: pki/admin.crt\n    client-key: pki/admin.key",
                        "    server: https://127.0.0.1:6443/\n    certificate-authority: pki/ca.crt"));
  absl::StatusOr<KubeConfig> config = LoadKubeConfigFile(dir.Path("kubeconfig"));
  REQUIRE(config.ok());
  CHECK(config->server == "https://127.0.0.1:6443");
  CHECK(config->ca_pem == "CA PEM");
  CHECK(config->client_cert_pem == "CERT PEM");
  CHECK(config->client_key_pem == "KEY PEM");
  CHECK(config->token == nullptr);
  CHECK(config->default_namespace == "team-a");
}

TEST_CASE("kubeconfig: *-data fields are base64; a context can be chosen by name") {
  std::string yaml = TwoContexts(
      "    client-certificate-data: " + Base64Encode("CERT") + "\n    client-key-data: " +
          Base64Encode("KEY"),
      "    server: https://a.example\n    certificate-authority-data: " + Base64Encode("CA"));
  absl::StatusOr<KubeConfig> a = ParseKubeConfig(yaml, "/nowhere");
  REQUIRE(a.ok());
  CHECK(a->ca_pem == "CA");
  CHECK(a->client_cert_pem == "CERT");
  CHECK(a->client_key_pem == "KEY");
  absl::StatusOr<KubeConfig> b = ParseKubeConfig(yaml, "/nowhere", "b");
  REQUIRE(b.ok());
  CHECK(b->server == "https://b.example:6443");
  REQUIRE(b->token != nullptr);
  CHECK(b->token->Token() == "token-b");
  CHECK_FALSE(b->token->rotates());
  CHECK(b->default_namespace == "default");
}

TEST_CASE("kubeconfig: tokenFile is read, and read again when it rotates") {
  TempDir dir;
  WriteFile(dir.Path("token"), "first\n");
  std::string yaml = TwoContexts("    tokenFile: token", "    server: https://a.example");
  absl::StatusOr<KubeConfig> config = ParseKubeConfig(yaml, dir.path());
  REQUIRE(config.ok());
  REQUIRE(config->token != nullptr);
  CHECK(config->token->rotates());
  CHECK(config->token->Token() == "first");
  WriteFile(dir.Path("token"), "second");
  config->token->Invalidate();
  CHECK(config->token->Token() == "second");
}

TEST_CASE("kubeconfig: mistakes are refused with a message that names them") {
  auto [user, cluster, context, code, words] =
      GENERATE(table<std::string, std::string, std::string, absl::StatusCode, std::string>({
          {"    token: t", "    server: https://a", "nope", absl::StatusCode::kNotFound,
           "no context named \"nope\""},
          {"    token: t", "    server: a.example:6443", "", absl::StatusCode::kInvalidArgument,
           "not an http(s) URL"},
          {"    exec: {command: aws}", "    server: https://a", "",
           absl::StatusCode::kUnimplemented, "\"exec\" is not supported"},
          {"    client-certificate-data: Q0VSVA==", "    server: https://a", "",
           absl::StatusCode::kInvalidArgument, "needs its key"},
          {"    token: t", "    server: https://a\n    certificate-authority: x\n"
                           "    certificate-authority-data: eA==",
           "", absl::StatusCode::kInvalidArgument, "both certificate-authority and"},
          {"    token: t", "    server: https://a\n    certificate-authority-data: '***'", "",
           absl::StatusCode::kInvalidArgument, "not base64"},
          {"    tokenFile: /nonexistent/token", "    server: https://a", "",
           absl::StatusCode::kNotFound, "cannot read token file"},
      }));
  CAPTURE(user, cluster, context);
  absl::StatusOr<KubeConfig> config = ParseKubeConfig(TwoContexts(user, cluster), "/x", context);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == code);
  CHECK(std::string(config.status().message()).find(words) != std::string::npos);
}

TEST_CASE("kubeconfig: not YAML, or not a mapping, is an error, not an exception") {
  CHECK(ParseKubeConfig("a: [", "/").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(ParseKubeConfig("- a", "/").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(ParseKubeConfig("apiVersion: v1", "/").ok());
}

TEST_CASE("in-cluster: service host and port, the mounted token, CA and namespace") {
  TempDir dir;
  WriteFile(dir.Path("token"), "sa-token\n");
  WriteFile(dir.Path("ca.crt"), "CLUSTER CA");
  WriteFile(dir.Path("namespace"), "nauthera-system\n");
  InClusterOptions options;
  options.token_path = dir.Path("token");
  options.ca_path = dir.Path("ca.crt");
  options.namespace_path = dir.Path("namespace");
  options.host = "10.96.0.1";
  options.port = "443";
  absl::StatusOr<KubeConfig> config = LoadInClusterConfig(options);
  REQUIRE(config.ok());
  CHECK(config->server == "https://10.96.0.1:443");
  CHECK(config->ca_pem == "CLUSTER CA");
  CHECK(config->default_namespace == "nauthera-system");
  REQUIRE(config->token != nullptr);
  CHECK(config->token->rotates());
  CHECK(config->token->Token() == "sa-token");

  options.host = "fd00::1";
  CHECK(LoadInClusterConfig(options)->server == "https://[fd00::1]:443");
}

TEST_CASE("in-cluster: outside a cluster, or without the token, says so") {
  InClusterOptions options;
  options.host = "";
  options.port = "";
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  CHECK(LoadInClusterConfig(options).status().code() == absl::StatusCode::kFailedPrecondition);
  options.host = "10.0.0.1";
  options.port = "443";
  options.token_path = "/nonexistent/token";
  CHECK(LoadInClusterConfig(options).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("TLS material that cannot work is refused when the transport is made") {
  KubeConfig config;
  config.server = "https://127.0.0.1:6443";
  config.ca_pem = "not a certificate";
  absl::StatusOr<std::unique_ptr<Transport>> transport = NewCpprestTransport(config);
  REQUIRE_FALSE(transport.ok());
  CHECK(transport.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(transport.status().message()).find("no PEM certificate") !=
        std::string::npos);
  config.ca_pem.clear();
  config.client_cert_pem = "garbage";
  config.client_key_pem = "garbage";
  CHECK(NewCpprestTransport(config).status().code() == absl::StatusCode::kInvalidArgument);
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  CHECK(NewCpprestTransport(config).ok());
}

}  // namespace
}  // namespace nauthera::controller::kube
