// nauthera-tokenserver: serves the OAuth2/OIDC endpoints from the last state the controller
// pushed. One replica keeps codes, refresh families and login counters in memory; with
// --redis-url any number of replicas share them in Redis behind one Service.
// The wiring is in tokenserver/app/.
#include <signal.h>

#include <cstdio>
#include <string>

#include "common/util/flag_set.h"
#include "common/util/log.h"
#include "tokenserver/app/options.h"
#include "tokenserver/app/tokenserver_app.h"

int main(int argc, char** argv) {
  // 1. Block SIGTERM and SIGINT before any thread exists, so every thread inherits the mask
  //    and only sigwait below takes them (a signal landing on an I/O thread would otherwise
  //    end the process without the graceful stop).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // 2. Flags.
  nauthera::SetLogComponent("tokenserver");
  nauthera::FlagSet flags(
      "nauthera-tokenserver serves Nauthera's OAuth2/OIDC endpoints from the controller's state.\n"
      "  nauthera-tokenserver --controller=unix:.state/state.sock --listen=http://127.0.0.1:8080");
  nauthera::TokenServerOptions options;
  nauthera::DeclareTokenServerFlags(&flags, &options);
  bool help = false;
  if (absl::Status s = flags.Parse(argc, argv, &help); !s.ok()) {
    std::fprintf(stderr, "nauthera-tokenserver: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (help) {
    std::printf("%s", flags.Usage().c_str());
    return 0;
  }

  // 3. Start, wait for a signal, stop gracefully.
  auto app = nauthera::TokenServerApp::Start(options);
  if (!app.ok()) {
    nauthera::LogError("cannot start", {{"error", std::string(app.status().message())}});
    std::fprintf(stderr, "nauthera-tokenserver: %s\n", std::string(app.status().message()).c_str());
    return 2;
  }
  int received = 0;
  sigwait(&signals, &received);
  nauthera::LogInfo("shutting down", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*app)->Shutdown();
  return 0;
}
