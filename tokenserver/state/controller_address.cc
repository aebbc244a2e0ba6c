#include "tokenserver/state/controller_address.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace nauthera {
namespace {

std::string Absolute(absl::string_view path) {
  if (absl::StartsWith(path, "/")) return std::string(path);
  char cwd[4096];
  if (::getcwd(cwd, sizeof(cwd)) == nullptr) return std::string(path);
  absl::ConsumePrefix(&path, "./");
  return absl::StrCat(cwd, "/", path);
}

bool Trusted(uid_t owner) { return owner == ::geteuid() || owner == 0; }

}  // namespace

absl::StatusOr<ControllerAddress> ParseControllerAddress(absl::string_view address,
                                                         bool mutual_tls) {
  if (absl::StartsWith(address, "unix-abstract:")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--controller=", address, ": an abstract socket has no owner to check, so any local "
        "user could pose as the controller; use --controller=unix:<state-dir>/state.sock"));
  }
  absl::string_view path = address;
  if (absl::ConsumePrefix(&path, "unix:")) {
    if (absl::StartsWith(path, "//")) path.remove_prefix(2);
    if (path.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--controller=", address, " names no socket: unix:/path"));
    }
    if (mutual_tls) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--grpc-tls-ca, --grpc-tls-cert and --grpc-tls-key are for a TCP --controller, and ",
          address, " is a Unix socket (its owner is checked instead): drop the TLS flags or "
          "dial HOST:PORT"));
    }
    std::string absolute = Absolute(path);
    return ControllerAddress{absl::StrCat("unix:", absolute), absolute};
  }
  if (!mutual_tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--controller=", address, " is plaintext TCP: the state stream carries the signing "
        "key and password hashes, and on TCP any local user could read or forge it, loopback "
        "included. Dial the controller's Unix socket, --controller=unix:<state-dir>/state.sock "
        "(its default in local mode), or give --grpc-tls-ca, --grpc-tls-cert and "
        "--grpc-tls-key for mutual TLS"));
  }
  return ControllerAddress{std::string(address), ""};
}

absl::Status CheckControllerSocket(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    std::string message = absl::StrCat("cannot stat ", path, ": ", std::strerror(errno));
    return errno == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a socket"));
  }
  if (!Trusted(st.st_uid)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the controller socket ", path, " belongs to uid ", st.st_uid,
        ", neither this token server's user (uid ", ::geteuid(), ") nor root: not taking "
        "state from it"));
  }
  std::string folder = path.substr(0, std::max<size_t>(path.rfind('/'), 1));
  struct stat dir;
  if (::stat(folder.c_str(), &dir) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot stat ", folder, ": ", std::strerror(errno)));
  }
  if (!Trusted(dir.st_uid) || (dir.st_mode & 022) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "the controller socket's folder %s (uid %d, mode %04o) can be written by another user, "
        "who could swap the socket: not taking state from it; use the controller's state "
        "folder (0700)", folder, dir.st_uid, dir.st_mode & 07777));
  }
  return absl::OkStatus();
}

}  // namespace nauthera
