#include <catch2/catch.hpp>

#include "controller/app/flags.h"

namespace nauthera::controller {
namespace {

TEST_CASE("flags parse in both --flag=value and --flag value forms", "[flags]") {
  auto parsed = ParseFlags({"--manifests=examples/quickstart", "--state-dir", "/tmp/x",
                            "--issuer-url=http://127.0.0.1:8080", "--poll-interval=250ms",
                            "--jwks-max-age=30", "--grpc-listen=unix:/tmp/x/state.sock"});
  REQUIRE(parsed.ok());
  CHECK(parsed->options.manifests == "examples/quickstart");
  CHECK(parsed->options.state_dir == "/tmp/x");
  CHECK(parsed->options.poll_interval == absl::Milliseconds(250));
  CHECK(parsed->options.jwks_max_age_seconds == 30);
  CHECK(parsed->options.grpc_listen == "unix:/tmp/x/state.sock");
  CHECK(parsed->options.http_listen == "http://127.0.0.1:7071");
  CHECK(ValidateOptions(parsed->options).ok());
}

TEST_CASE("flags refuse unknown names and bad values", "[flags]") {
  CHECK_FALSE(ParseFlags({"--manifest=x"}).ok());
  CHECK_FALSE(ParseFlags({"--poll-interval=soon"}).ok());
  CHECK_FALSE(ParseFlags({"--jwks-max-age=ten"}).ok());
  CHECK_FALSE(ParseFlags({"--manifests"}).ok());
  CHECK_FALSE(ParseFlags({"--key-rotation-period=weekly"}).ok());
  CHECK_FALSE(ParseFlags({"--key-publish-ahead=-5m"}).ok());
  CHECK(ParseFlags({"--key-rotation-period=0"})->options.key_rotation_period ==
        absl::ZeroDuration());
  CHECK(ParseFlags({"--help"})->help);
}

TEST_CASE("the controller refuses to start with an unsafe configuration", "[flags]") {
  auto [name, mutate, want] =
      GENERATE(table<std::string, std::function<void(ControllerOptions&)>, std::string>({
          {"no manifests", [](ControllerOptions& o) { o.manifests.clear(); }, "--manifests"},
          {"no issuer", [](ControllerOptions& o) { o.issuer_url.clear(); }, "--issuer-url"},
          {"http issuer off loopback",
           [](ControllerOptions& o) { o.issuer_url = "http://auth.example.com"; }, "https"},
          {"gRPC off loopback without TLS",
           [](ControllerOptions& o) { o.grpc_listen = "0.0.0.0:7070"; },
           "is plaintext TCP"},
          // Any local user can connect to a loopback port: the signing key would be theirs.
          {"gRPC on loopback TCP without TLS",
           [](ControllerOptions& o) { o.grpc_listen = "127.0.0.1:7070"; },
           "Leave --grpc-listen out to serve it on the Unix socket <state-dir>/state.sock"},
          {"gRPC on an abstract socket",
           [](ControllerOptions& o) { o.grpc_listen = "unix-abstract:nauthera"; },
           "an abstract socket has no file permissions"},
          {"mutual TLS files with the Unix socket",
           [](ControllerOptions& o) {
             o.grpc_tls_cert = "c";
             o.grpc_tls_key = "k";
             o.grpc_client_ca = "ca";
           },
           "give --grpc-listen=HOST:PORT for mutual TLS"},
          {"only part of the TLS files",
           [](ControllerOptions& o) { o.grpc_tls_cert = "c.pem"; }, "go together"},
          {"status endpoint off loopback",
           [](ControllerOptions& o) { o.http_listen = "http://0.0.0.0:7071"; }, "loopback"},
          {"metrics listener without a port",
           [](ControllerOptions& o) { o.metrics_listen = "http://0.0.0.0"; }, "--metrics-listen"},
          {"metrics listener over https",
           [](ControllerOptions& o) { o.metrics_listen = "https://0.0.0.0:9090"; },
           "plain http"},
          {"a new key published for less than twice the JWKS cache",
           [](ControllerOptions& o) { o.key_publish_ahead = absl::Seconds(90); },
           "--key-publish-ahead=90s is too short"},
          {"a rotation period shorter than twice the publish-ahead",
           [](ControllerOptions& o) { o.key_rotation_period = absl::Minutes(15); },
           "--key-rotation-period"},
          {"poll interval too slow for the 2 s promise",
           [](ControllerOptions& o) { o.poll_interval = absl::Seconds(5); }, "--poll-interval"},
      }));
  CAPTURE(name);
  ControllerOptions options;
  options.manifests = "m";
  options.issuer_url = "http://127.0.0.1:8080";
  REQUIRE(ValidateOptions(options).ok());
  mutate(options);
  absl::Status status = ValidateOptions(options);
  CAPTURE(status.message());
  CHECK(std::string(status.message()).find(want) != std::string::npos);
}

TEST_CASE("gRPC off loopback is allowed with mutual TLS", "[flags]") {
  ControllerOptions options;
  options.manifests = "m";
  options.issuer_url = "https://auth.example.com";
  options.grpc_listen = "0.0.0.0:7070";
  options.grpc_tls_cert = "c";
  options.grpc_tls_key = "k";
  options.grpc_client_ca = "ca";
  CHECK(ValidateOptions(options).ok());
  options.metrics_listen = "http://0.0.0.0:9090";  // probes and metrics only: any address
  CHECK(ValidateOptions(options).ok());
}

TEST_CASE("the state stream defaults to the Unix socket in the state folder", "[flags]") {
  auto [state_dir, grpc_listen, want] = GENERATE(table<std::string, std::string, std::string>({
      {"/var/lib/nauthera", "", "unix:/var/lib/nauthera/state.sock"},
      {"/tmp/s", "unix:/run/n/state.sock", "unix:/run/n/state.sock"},
  }));
  ControllerOptions options;
  options.manifests = "m";
  options.issuer_url = "http://127.0.0.1:8080";
  options.state_dir = state_dir;
  options.grpc_listen = grpc_listen;
  CHECK(ValidateOptions(options).ok());
  CHECK(StateListenAddress(options) == want);
  CHECK(UnixSocketPath(want) == want.substr(5));
  CHECK(UnixSocketPath("unix:///run/n.sock") == "/run/n.sock");
  CHECK(UnixSocketPath("127.0.0.1:7070").empty());
  // A relative --state-dir (the default .state) is made absolute: token servers dial it.
  options.state_dir = ".state";
  options.grpc_listen.clear();
  std::string relative = StateListenAddress(options);
  CHECK(relative.rfind("unix:/", 0) == 0);
  CHECK(relative.size() > std::string("unix:/.state/state.sock").size());
  CHECK(relative.substr(relative.size() - 18) == "/.state/state.sock");
}

}  // namespace
}  // namespace nauthera::controller
