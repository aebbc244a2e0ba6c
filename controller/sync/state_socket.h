// The state stream's Unix domain socket (local mode, and Kubernetes mode without mutual TLS).
//
// The State carries the signing key (PKCS#8), the session/CSRF key, password hashes and
// secret HMACs, so only this controller's own user (or root) may read it. Three locks, each
// enough on its own against another user of the machine:
//   1. the socket's folder belongs to this user and is 0700 (a looser one of ours is made
//      0700 before the socket exists; another user's, or a shared sticky one, is refused),
//   2. the socket is bound under umask 077 and chmod'ed 0600: never connectable by others,
//   3. every accepted connection's SO_PEERCRED uid must be this process's effective uid or 0;
//      any other peer is closed before gRPC reads a byte, logged and counted
//      (nauthera_controller_state_peers_refused_total).
// Allowed connections are handed to the gRPC server (grpc::AddInsecureChannelFromFd): the
// kernel, not the network, vouches for the peer, so no TLS is needed on top.
#ifndef NAUTHERA_CONTROLLER_SYNC_STATE_SOCKET_H_
#define NAUTHERA_CONTROLLER_SYNC_STATE_SOCKET_H_

#include <sys/types.h>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace nauthera::controller {

// Whether a peer running as `peer_uid` may read the state of a controller running as
// `own_uid`: the same user, or root (who can read the state folder anyway).
bool MayReadState(uid_t peer_uid, uid_t own_uid);

class StateSocket {
 public:
  // Binds and listens on the absolute `path`. Refuses a folder that is not this user's or is
  // shared (sticky), a path that is something else than a socket, and a socket another
  // process still serves on (a stale one, left by a crash, is replaced).
  static absl::StatusOr<std::unique_ptr<StateSocket>> Listen(const std::string& path);
  ~StateSocket();

  // Starts accepting; each allowed connection goes to `server`, which must stay up until
  // Stop() returns.
  void Serve(grpc::Server* server);
  // Stops accepting, closes the listener and removes the socket file. Idempotent.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  StateSocket(std::string path, int listen_fd, int wake_fd);
  void AcceptLoop(grpc::Server* server);
  void Admit(int fd, grpc::Server* server);

  const std::string path_;
  int listen_fd_;
  int wake_fd_;  // an eventfd: Stop() writes it to end AcceptLoop's poll
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SYNC_STATE_SOCKET_H_
