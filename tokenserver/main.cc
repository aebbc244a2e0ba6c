// nauthera-tokenserver: serves the OAuth2/OIDC endpoints from the last state the controller
// pushed. Stateless: any number of replicas run behind one Service.
#include <signal.h>
#include <unistd.h>

#include <ctime>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/http/http_server.h"
#include "common/util/log.h"
#include "common/util/url.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/http/router.h"
#include "tokenserver/state/state_client.h"
#include "tokenserver/store/memory_store.h"

ABSL_FLAG(std::string, controller, "127.0.0.1:7070", "The controller's state stream (host:port)");
ABSL_FLAG(std::string, listen, "http://127.0.0.1:8080",
          "Where to serve OAuth2/OIDC: http://HOST:PORT (loopback only) or https://HOST:PORT");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate chain for an https --listen");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key for an https --listen");
ABSL_FLAG(bool, plain_http_behind_tls_proxy, false,
          "Allow a non-loopback http --listen because a TLS-terminating proxy is in front");
ABSL_FLAG(std::string, grpc_tls_ca, "", "CA that signed the controller's certificate (mTLS)");
ABSL_FLAG(std::string, grpc_tls_cert, "", "This token server's client certificate (mTLS)");
ABSL_FLAG(std::string, grpc_tls_key, "", "This token server's client key (mTLS)");
ABSL_FLAG(int, threads, 0, "HTTP worker threads (0 = one per core)");
ABSL_FLAG(std::string, node_id, "", "Name in the controller's logs (default: host-pid)");

namespace nauthera {
namespace {

absl::Status CheckListen(const std::string& listen) {
  auto url = ParseUrl(listen);
  if (!url.ok()) return url.status();
  if (url->scheme == "https") return absl::OkStatus();
  if (url->scheme != "http") return absl::InvalidArgumentError("--listen must be http or https");
  if (IsLoopbackHost(url->host) || absl::GetFlag(FLAGS_plain_http_behind_tls_proxy)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--listen=", listen, " is plain http on a non-loopback address; serve https with "
      "--tls-cert-file/--tls-key-file, or pass --plain_http_behind_tls_proxy if a TLS proxy "
      "fronts this server"));
}

std::string DefaultNodeId() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, "-", getpid());
}

int Run() {
  SetLogComponent("tokenserver");
  std::string listen = absl::GetFlag(FLAGS_listen);
  if (absl::Status s = CheckListen(listen); !s.ok()) {
    LogError("cannot start", {{"error", std::string(s.message())}});
    return 2;
  }
  int threads = absl::GetFlag(FLAGS_threads);
  if (threads <= 0) threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  InitHttpThreads(threads);

  // Block the termination signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  StateHolder state;
  StateClientOptions client_options{absl::GetFlag(FLAGS_controller),
                                    absl::GetFlag(FLAGS_node_id).empty()
                                        ? DefaultNodeId()
                                        : absl::GetFlag(FLAGS_node_id),
                                    absl::GetFlag(FLAGS_grpc_tls_ca),
                                    absl::GetFlag(FLAGS_grpc_tls_cert),
                                    absl::GetFlag(FLAGS_grpc_tls_key)};
  auto client = StateClient::Create(client_options, &state);
  if (!client.ok()) {
    LogError("cannot start", {{"error", std::string(client.status().message())}});
    return 2;
  }
  MemoryStore store;  // one replica; a shared store comes with horizontal scaling
  LoginLimiter limiter;
  Router router(&state, &store, &limiter,
                [] { return static_cast<int64_t>(std::time(nullptr)); });
  HttpServer::Options http_options{listen, kMaxTokenRequestBytes,
                                   absl::GetFlag(FLAGS_tls_cert_file),
                                   absl::GetFlag(FLAGS_tls_key_file)};
  auto server = HttpServer::Start(http_options, [&router](const HttpRequest& request) {
    return router.Handle(request);
  });
  if (!server.ok()) {
    LogError("cannot start", {{"error", std::string(server.status().message())}});
    return 2;
  }
  (*client)->Start();
  LogInfo("token server started", {{"listen", listen},
                                   {"controller", client_options.controller_address},
                                   {"threads", std::to_string(threads)}});
  int received = 0;
  sigwait(&signals, &received);
  LogInfo("shutting down", {{"signal", std::to_string(received)}});
  (*server)->Stop();
  (*client)->Stop();
  return 0;
}

}  // namespace
}  // namespace nauthera

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves Nauthera's OAuth2/OIDC endpoints from the controller's state.\n"
      "  nauthera-tokenserver --controller=127.0.0.1:7070 --listen=http://127.0.0.1:8080");
  absl::ParseCommandLine(argc, argv);
  return nauthera::Run();
}
