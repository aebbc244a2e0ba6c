// The local state stream's Unix socket: its modes, and what a peer of another user gets
// (nothing). The other user is nobody (uid 65534) through setpriv(1), which needs root.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <regex>

#include "common/metrics/metrics.h"
#include "controller/app/grpc_server.h"
#include "controller/metrics/controller_metrics.h"
#include "controller/sync/state_service.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;
using testing::TempDir;

constexpr char kAsNobody[] = "setpriv --reuid=65534 --regid=65534 --clear-groups ";

struct ProbeResult {
  int exit_code = -1;
  std::string output;
};

// Runs tests/controller/state_stream_probe.cc against `address`, as `prefix` says.
ProbeResult Probe(const std::string& prefix, const std::string& address) {
  std::string command = prefix + NAUTHERA_STATE_STREAM_PROBE + " '" + address + "' 2>&1";
  ProbeResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) result.output += buffer;
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

double RefusedPeers() {
  std::smatch match;
  std::string text = Metrics::Global().Render();
  static const std::regex line("\nnauthera_controller_state_peers_refused_total ([0-9.e+]+)");
  return std::regex_search(text, match, line) ? std::stod(match[1]) : 0;
}

// A controller's state stream on <dir>/state/state.sock, with one State published.
struct LocalStream {
  explicit LocalStream(const TempDir& dir) {
    DefineControllerMetrics();
    options.manifests = "m";
    options.issuer_url = "http://127.0.0.1:8080";
    options.state_dir = dir.Path("state");
    auto state = std::make_shared<pb::State>();
    state->set_version("1-local");
    broadcaster.Publish(state);
  }
  ~LocalStream() {
    broadcaster.Shutdown();
    if (server) server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  std::string socket() const { return options.state_dir + "/state.sock"; }

  ControllerOptions options;
  StateBroadcaster broadcaster;
  StateServiceImpl service{broadcaster};
  std::unique_ptr<GrpcServer> server;
};

TEST_CASE("local mode serves the state stream on a 0600 socket in a 0700 state folder",
          "[sync][socket]") {
  TempDir dir;
  LocalStream local(dir);
  REQUIRE(ValidateOptions(local.options).ok());
  auto server = StartGrpcServer(local.options, &local.service);
  REQUIRE(server.ok());
  local.server = *std::move(server);
  CHECK(local.server->address() == "unix:" + local.socket());
  CHECK(ModeOf(local.options.state_dir) == 0700);
  CHECK(ModeOf(local.socket()) == 0600);
  ProbeResult own = Probe("", local.server->address());
  CAPTURE(own.output);
  CHECK(own.exit_code == 0);
  CHECK(own.output == "received 1-local\n");
  local.server->Shutdown(std::chrono::system_clock::now());
  CHECK(::access(local.socket().c_str(), F_OK) != 0);  // the socket file goes with the server
}

TEST_CASE("a peer running as another user receives no state", "[sync][socket]") {
  if (::geteuid() != 0) {
    WARN("not root: setpriv cannot run the probe as another user; this case needs root");
    return;
  }
  auto [name, loosen, refusals] = GENERATE(table<std::string, bool, double>({
      // The kernel refuses the connect (the folder cannot be entered): nothing to count.
      {"the socket as made", false, 0},
      // Someone loosened the modes by hand: the peer-credential check still refuses.
      {"the socket and its folders loosened to 0666 / 0711", true, 1},
  }));
  CAPTURE(name);
  TempDir dir;
  LocalStream local(dir);
  auto server = StartGrpcServer(local.options, &local.service);
  REQUIRE(server.ok());
  local.server = *std::move(server);
  if (loosen) {
    REQUIRE(::chmod(dir.path().c_str(), 0711) == 0);
    REQUIRE(::chmod(local.options.state_dir.c_str(), 0711) == 0);
    REQUIRE(::chmod(local.socket().c_str(), 0666) == 0);
  }
  double before = RefusedPeers();
  ProbeResult nobody = Probe(kAsNobody, local.server->address());
  CAPTURE(nobody.output);
  CHECK(nobody.exit_code == 1);
  CHECK(nobody.output.find("no state") == 0);
  CHECK(RefusedPeers() - before == refusals);
  // The stream still serves its own user.
  CHECK(Probe("", local.server->address()).exit_code == 0);
}

TEST_CASE("the state socket is refused where another user could reach or take it",
          "[sync][socket]") {
  TempDir dir;
  LocalStream local(dir);
  SECTION("a shared (sticky) folder, like /tmp") {
    REQUIRE(::mkdir(local.options.state_dir.c_str(), 0700) == 0);
    REQUIRE(::chmod(local.options.state_dir.c_str(), 01777) == 0);
    auto server = StartGrpcServer(local.options, &local.service);
    REQUIRE_FALSE(server.ok());
    CHECK_THAT(std::string(server.status().message()),
               Catch::Contains("is a shared folder (mode 1777)"));
    CHECK(ModeOf(local.options.state_dir) == 01777);  // not ours to close
  }
  SECTION("a socket another controller serves on") {
    auto first = StartGrpcServer(local.options, &local.service);
    REQUIRE(first.ok());
    auto second = StartGrpcServer(local.options, &local.service);
    REQUIRE_FALSE(second.ok());
    CHECK_THAT(std::string(second.status().message()),
               Catch::Contains("another controller serves the state stream"));
    CHECK(Probe("", (*first)->address()).exit_code == 0);  // the first one is untouched
    local.server = *std::move(first);
  }
  SECTION("a file that is not a socket") {
    testing::WriteFile(local.socket(), "x");
    REQUIRE(::chmod(local.options.state_dir.c_str(), 0700) == 0);
    auto server = StartGrpcServer(local.options, &local.service);
    REQUIRE_FALSE(server.ok());
    CHECK_THAT(std::string(server.status().message()), Catch::Contains("is not a socket"));
  }
}

TEST_CASE("a state folder of ours that others may enter is made 0700 before the socket exists",
          "[sync][socket]") {
  TempDir dir;
  LocalStream local(dir);
  REQUIRE(::mkdir(local.options.state_dir.c_str(), 0755) == 0);
  REQUIRE(::chmod(local.options.state_dir.c_str(), 0755) == 0);  // what `mkdir -p` leaves
  auto server = StartGrpcServer(local.options, &local.service);
  REQUIRE(server.ok());
  local.server = *std::move(server);
  CHECK(ModeOf(local.options.state_dir) == 0700);
  CHECK(ModeOf(local.socket()) == 0600);
}

TEST_CASE("a stale state socket left by a crashed controller is replaced", "[sync][socket]") {
  TempDir dir;
  LocalStream local(dir);
  REQUIRE(::mkdir(local.options.state_dir.c_str(), 0700) == 0);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, local.socket().c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  ::close(fd);  // the file stays, nobody listens: what a crash leaves
  auto server = StartGrpcServer(local.options, &local.service);
  REQUIRE(server.ok());
  local.server = *std::move(server);
  CHECK(ModeOf(local.socket()) == 0600);
  CHECK(Probe("", local.server->address()).exit_code == 0);
}

}  // namespace
}  // namespace nauthera::controller
