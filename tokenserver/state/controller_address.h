// Where the token server takes its state from, and whether that peer may be trusted with it.
//
// The state stream carries the signing key, password hashes and secret HMACs, so it is taken
// only from a Unix socket (local mode; the controller checks our uid, we check the socket's
// owner) or over TCP with mutual TLS. Plaintext TCP is refused, loopback included: any user of
// the machine can listen on or connect to a loopback port.
#ifndef NAUTHERA_TOKENSERVER_STATE_CONTROLLER_ADDRESS_H_
#define NAUTHERA_TOKENSERVER_STATE_CONTROLLER_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

struct ControllerAddress {
  std::string target;       // what gRPC dials: "unix:/abs/state.sock" or "host:port"
  std::string socket_path;  // the absolute socket path; "" for TCP
};

// Parses --controller: "unix:PATH" (a relative PATH is taken from the working folder),
// "unix:///ABS", or HOST:PORT, which needs `mutual_tls`. InvalidArgument, saying what to do,
// for plaintext TCP, an abstract socket, or TLS files with a socket.
absl::StatusOr<ControllerAddress> ParseControllerAddress(absl::string_view address,
                                                         bool mutual_tls);

// Before each dial: the socket must be a socket owned by this process's user or root, in a
// folder of that user or root that nobody else may write (so it cannot be swapped for an
// impostor's between this check and the connect). NotFound while the controller is not up.
absl::Status CheckControllerSocket(const std::string& path);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STATE_CONTROLLER_ADDRESS_H_
