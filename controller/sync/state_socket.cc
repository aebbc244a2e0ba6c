#include "controller/sync/state_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <grpcpp/server_posix.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "controller/metrics/controller_metrics.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

std::string Errno() { return std::strerror(errno); }

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Mode(mode_t mode) { return absl::StrFormat("%04o", mode & 07777); }

// Lock 1: nobody but this user can even reach the socket.
absl::Status CheckFolder(const std::string& folder) {
  if (absl::Status made = MakePrivateDirs(folder); !made.ok()) return made;
  struct stat st;
  if (::stat(folder.c_str(), &st) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot stat ", folder, ": ", Errno()));
  }
  if (st.st_uid != ::geteuid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the state socket's folder ", folder, " belongs to uid ", st.st_uid,
        ", not to this controller's user (uid ", ::geteuid(),
        "): run the controller as its owner or choose another --state-dir"));
  }
  if ((st.st_mode & 077) == 0) return absl::OkStatus();
  // A shared folder (sticky, like /tmp) is not ours to close: refuse rather than chmod it.
  if ((st.st_mode & S_ISVTX) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the state socket's folder ", folder, " is a shared folder (mode ", Mode(st.st_mode),
        "): the state stream carries the signing key and must sit in a folder only this "
        "user can enter; choose a --state-dir of its own"));
  }
  // Ours but open to others (e.g. made by `mkdir -p` before the first start): close it before
  // the socket exists, so there is no moment another user could reach it.
  if (::chmod(folder.c_str(), 0700) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the state socket's folder ", folder, " is mode ", Mode(st.st_mode),
        " and cannot be made 0700 (", Errno(), "): chmod 700 ", folder));
  }
  LogWarning("state folder made private (0700): the state socket must be this user's only",
             {{"folder", folder}, {"was", Mode(st.st_mode)}});
  return absl::OkStatus();
}

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the state socket path ", path, " is ", path.size(), " bytes; a Unix socket path has "
        "at most ", sizeof(address.sun_path) - 1, ": choose a shorter --state-dir"));
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

// A socket file left by a controller that crashed is replaced; a live one is not taken over
// (as a taken TCP port is an error, not a second listener).
absl::Status ClearStale(const std::string& path, const sockaddr_un& address) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::UnavailableError(absl::StrCat("cannot stat ", path, ": ", Errno()));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is not a socket: move it away"));
  }
  int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return absl::UnavailableError(absl::StrCat("socket: ", Errno()));
  int connected = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  int error = errno;
  ::close(probe);
  if (connected == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "another controller serves the state stream on ", path,
        ": stop it, or give this one another --state-dir"));
  }
  if (error != ECONNREFUSED) {
    return absl::UnavailableError(
        absl::StrCat("cannot probe ", path, ": ", std::strerror(error)));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("cannot remove stale ", path, ": ", Errno()));
  }
  return absl::OkStatus();
}

// Lock 2: the socket file is 0600 from the moment bind creates it (umask 077), so there is no
// window in which another user could connect. umask is per process; 077 only ever makes a
// file another thread creates meanwhile more private.
absl::StatusOr<int> BindPrivate(const std::string& path, const sockaddr_un& address) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", Errno()));
  mode_t old_mask = ::umask(077);
  int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  int bind_error = errno;
  ::umask(old_mask);
  if (bound != 0) {
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot bind the state socket ", path, ": ", std::strerror(bind_error)));
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 64) != 0) {
    std::string why = Errno();
    ::close(fd);
    ::unlink(path.c_str());
    return absl::UnavailableError(absl::StrCat("cannot listen on ", path, ": ", why));
  }
  return fd;
}

}  // namespace

bool MayReadState(uid_t peer_uid, uid_t own_uid) { return peer_uid == own_uid || peer_uid == 0; }

absl::StatusOr<std::unique_ptr<StateSocket>> StateSocket::Listen(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("the state socket path must be absolute: ", path));
  }
  absl::StatusOr<sockaddr_un> address = Address(path);
  if (!address.ok()) return address.status();
  if (absl::Status folder = CheckFolder(Parent(path)); !folder.ok()) return folder;
  if (absl::Status stale = ClearStale(path, *address); !stale.ok()) return stale;
  absl::StatusOr<int> fd = BindPrivate(path, *address);
  if (!fd.ok()) return fd.status();
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    std::string why = Errno();
    ::close(*fd);
    ::unlink(path.c_str());
    return absl::UnavailableError(absl::StrCat("eventfd: ", why));
  }
  return std::unique_ptr<StateSocket>(new StateSocket(path, *fd, wake));
}

StateSocket::StateSocket(std::string path, int listen_fd, int wake_fd)
    : path_(std::move(path)), listen_fd_(listen_fd), wake_fd_(wake_fd) {}

StateSocket::~StateSocket() { Stop(); }

void StateSocket::Serve(grpc::Server* server) {
  if (stopped_ || thread_.joinable()) return;
  thread_ = std::thread([this, server] { AcceptLoop(server); });
}

void StateSocket::Stop() {
  if (stopped_.exchange(true)) return;
  uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof(one)) < 0) {
    // The eventfd cannot be full after one write; nothing else to do.
  }
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
  ::unlink(path_.c_str());
}

void StateSocket::AcceptLoop(grpc::Server* server) {
  while (!stopped_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
      LogError("state socket: poll failed", {{"error", Errno()}, {"socket", path_}});
      return;
    }
    if (fds[1].revents != 0 || stopped_) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      Admit(fd, server);
    } else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
      LogWarning("state socket: cannot accept", {{"error", Errno()}, {"socket", path_}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // no busy loop
    }
  }
}

// Lock 3: the kernel's word on who is at the other end (unix(7) SO_PEERCRED).
void StateSocket::Admit(int fd, grpc::Server* server) {
  ucred peer{};
  socklen_t size = sizeof(peer);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0) {
    LogWarning("state stream peer refused: its credentials cannot be read",
               {{"error", Errno()}, {"socket", path_}});
    Metrics::Global().Increment(metric::kStatePeersRefused);
    ::close(fd);
    return;
  }
  if (!MayReadState(peer.uid, ::geteuid())) {
    LogWarning("state stream peer refused: it runs as another user than the controller",
               {{"peer_uid", std::to_string(peer.uid)},
                {"peer_gid", std::to_string(peer.gid)},
                {"peer_pid", std::to_string(peer.pid)},
                {"controller_uid", std::to_string(::geteuid())},
                {"socket", path_}});
    Metrics::Global().Increment(metric::kStatePeersRefused);
    ::close(fd);
    return;
  }
  grpc::AddInsecureChannelFromFd(server, fd);  // gRPC owns fd from here
}

}  // namespace nauthera::controller
