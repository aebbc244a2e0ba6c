#include "controller/app/flags.h"

#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace nauthera::controller {
namespace {

using Setter = std::function<absl::Status(ControllerOptions&, const std::string&)>;

Setter String(std::string ControllerOptions::*field) {
  return [field](ControllerOptions& options, const std::string& value) {
    options.*field = value;
    return absl::OkStatus();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* setters = new std::map<std::string, Setter>{
      {"manifests", String(&ControllerOptions::manifests)},
      {"state-dir", String(&ControllerOptions::state_dir)},
      {"issuer-url", String(&ControllerOptions::issuer_url)},
      {"grpc-listen", String(&ControllerOptions::grpc_listen)},
      {"http-listen", String(&ControllerOptions::http_listen)},
      {"grpc-tls-cert", String(&ControllerOptions::grpc_tls_cert)},
      {"grpc-tls-key", String(&ControllerOptions::grpc_tls_key)},
      {"grpc-client-ca", String(&ControllerOptions::grpc_client_ca)},
      {"poll-interval",
       [](ControllerOptions& options, const std::string& value) {
         if (!absl::ParseDuration(value, &options.poll_interval)) {
           return absl::InvalidArgumentError(
               absl::StrCat("--poll-interval=", value, ": write a duration like 500ms or 1s"));
         }
         return absl::OkStatus();
       }},
      {"jwks-max-age",
       [](ControllerOptions& options, const std::string& value) {
         if (!absl::SimpleAtoi(value, &options.jwks_max_age_seconds)) {
           return absl::InvalidArgumentError(
               absl::StrCat("--jwks-max-age=", value, ": write a number of seconds"));
         }
         return absl::OkStatus();
       }},
  };
  return *setters;
}

}  // namespace

absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<std::string>& args) {
  ParsedFlags parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      parsed.help = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\"; every option is a --flag"));
    }
    std::string name = arg.substr(2);
    std::string value;
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "--")) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
    auto setter = Setters().find(name);
    if (setter == Setters().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, "; see --help for the flags"));
    }
    absl::Status status = setter->second(parsed.options, value);
    if (!status.ok()) return status;
  }
  return parsed;
}

std::string FlagsUsage() {
  return R"(Usage: nauthera-controller --manifests=DIR --issuer-url=URL [flags]

Reads Nauthera's resources from a folder of manifests (local mode), writes credentials
Secrets, signing keys and status into a state folder, and streams the state to token servers.

  --manifests=DIR        folder of *.yaml / *.yml manifests (required)
  --state-dir=DIR        generated Secrets, signing keys, status.txt (default .state)
  --issuer-url=URL       the issuer, exactly as kube-apiserver's --oidc-issuer-url (required;
                         https unless on loopback, e.g. http://127.0.0.1:8080)
  --grpc-listen=ADDR     state stream for token servers (default 127.0.0.1:7070)
  --http-listen=URL      /healthz /readyz /metrics /status (default http://127.0.0.1:7071)
  --grpc-tls-cert=PEM    } mutual TLS for the state stream: server certificate, its key, and
  --grpc-tls-key=PEM     } the CA of token servers' client certificates. All three together;
  --grpc-client-ca=PEM   } required when --grpc-listen is not a loopback address
  --poll-interval=DUR    how often the folder is checked for changes (default 500ms)
  --jwks-max-age=SECS    Cache-Control max-age of the JWKS (default 60)
)";
}

}  // namespace nauthera::controller
