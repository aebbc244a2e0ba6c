// Where the token server takes its state from: never plaintext TCP, and a Unix socket only
// while it belongs to this user (or root) in a folder nobody else may write.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "tokenserver/state/controller_address.h"

namespace nauthera {
namespace {

TEST_CASE("the token server takes state only from a Unix socket or over mutual TLS") {
  auto [address, mutual_tls, want_target, want_error] =
      GENERATE(table<std::string, bool, std::string, std::string>({
          {"unix:/run/n/state.sock", false, "unix:/run/n/state.sock", ""},
          {"unix:///run/n/state.sock", false, "unix:/run/n/state.sock", ""},
          {"ctl.nauthera.svc:7070", true, "ctl.nauthera.svc:7070", ""},
          // Any local user can listen on or connect to a loopback port.
          {"127.0.0.1:7070", false, "",
           "is plaintext TCP: the state stream carries the signing key"},
          {"[::1]:7070", false, "", "--controller=unix:<state-dir>/state.sock"},
          {"ctl.nauthera.svc:7070", false, "", "--grpc-tls-ca, --grpc-tls-cert and --grpc-tls-key"},
          {"unix-abstract:nauthera", false, "", "an abstract socket has no owner"},
          {"unix:/run/n/state.sock", true, "", "drop the TLS flags or dial HOST:PORT"},
          {"unix:", false, "", "names no socket"},
      }));
  CAPTURE(address, mutual_tls);
  absl::StatusOr<ControllerAddress> parsed = ParseControllerAddress(address, mutual_tls);
  if (want_error.empty()) {
    REQUIRE(parsed.ok());
    CHECK(parsed->target == want_target);
  } else {
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(std::string(parsed.status().message()), Catch::Contains(want_error));
  }
}

TEST_CASE("a relative controller socket is taken from the working folder") {
  absl::StatusOr<ControllerAddress> parsed = ParseControllerAddress("unix:.state/state.sock", false);
  REQUIRE(parsed.ok());
  std::string cwd = std::filesystem::current_path().string();
  CHECK(parsed->socket_path == cwd + "/.state/state.sock");
  CHECK(parsed->target == "unix:" + cwd + "/.state/state.sock");
}

// A socket file at <folder>/state.sock, as a controller's bind leaves it.
std::string MakeSocket(const std::string& folder) {
  std::string path = folder + "/state.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  ::close(fd);
  return path;
}

TEST_CASE("a controller socket another user could have made or swapped is refused") {
  auto [name, socket_owner, folder_mode, want] =
      GENERATE(table<std::string, uid_t, mode_t, std::string>({
          {"this user's socket in a 0700 folder", ::geteuid(), 0700, ""},
          {"a socket of another user", 65534, 0700, "belongs to uid 65534"},
          {"a folder others may write", ::geteuid(), 0777, "can be written by another user"},
      }));
  CAPTURE(name);
  if (socket_owner != ::geteuid() && ::geteuid() != 0) {
    WARN("not root: cannot give the socket to another user; this case needs root");
    return;
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "nauthera-ctl-XXXXXX").string();
  std::string folder = ::mkdtemp(pattern.data());
  std::string path = MakeSocket(folder);
  REQUIRE(::chown(path.c_str(), socket_owner, static_cast<gid_t>(-1)) == 0);
  REQUIRE(::chmod(folder.c_str(), folder_mode) == 0);
  absl::Status trusted = CheckControllerSocket(path);
  if (want.empty()) {
    CHECK(trusted.ok());
  } else {
    CHECK(absl::IsPermissionDenied(trusted));
    CHECK_THAT(std::string(trusted.message()), Catch::Contains(want));
  }
  CHECK(absl::IsNotFound(CheckControllerSocket(folder + "/absent.sock")));
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace nauthera
