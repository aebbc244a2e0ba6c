// Command-line flags of nauthera-controller (kebab-case, as the README and scripts use them):
//   --manifests=DIR  --state-dir=DIR  --issuer-url=URL  --grpc-listen=unix:PATH|HOST:PORT
//   --http-listen=URL  --grpc-tls-cert=PEM  --grpc-tls-key=PEM  --grpc-client-ca=PEM
//   --poll-interval=500ms  --jwks-max-age=SECONDS  --help
// Both "--flag=value" and "--flag value" are accepted.
#ifndef NAUTHERA_CONTROLLER_APP_FLAGS_H_
#define NAUTHERA_CONTROLLER_APP_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/app/options.h"

namespace nauthera::controller {

struct ParsedFlags {
  ControllerOptions options;
  bool help = false;
};

// Parses `args` (without the program name). Fails on an unknown flag, a missing value or a
// value of the wrong form; ValidateOptions judges the values themselves.
absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<std::string>& args);

// The --help text.
std::string FlagsUsage();

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_FLAGS_H_
