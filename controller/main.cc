// nauthera-controller: reconciles Nauthera's resources into credentials, signing keys and a
// versioned state stream for the token servers. Local mode: the resources come from a folder
// of manifests, Secrets and keys go to a state folder.
//
//   nauthera-controller --manifests=examples/quickstart --state-dir=.state
//       --issuer-url=http://127.0.0.1:8080
#include <signal.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/util/log.h"
#include "controller/app/controller_app.h"
#include "controller/app/flags.h"
#include "controller/kubeclient/cpprest_transport.h"

int main(int argc, char** argv) {
  nauthera::SetLogComponent("controller");
  auto flags = nauthera::controller::ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) {
    std::fprintf(stderr, "nauthera-controller: %s\n",
                 std::string(flags.status().message()).c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(nauthera::controller::FlagsUsage().c_str(), stdout);
    return 0;
  }
  const nauthera::controller::ControllerOptions& options = flags->options;

  // Signals are taken by one thread with sigwait, never by a handler: Stop() locks a mutex.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // cpprestsdk's pool serves only the Kubernetes API client: a small pool is plenty.
  nauthera::controller::kube::InitCpprestThreads(2);
  auto app = nauthera::controller::ControllerApp::Start(options);
  if (!app.ok()) {
    nauthera::LogError("refusing to start", {{"error", std::string(app.status().message())}});
    std::fprintf(stderr, "nauthera-controller: %s\n", std::string(app.status().message()).c_str());
    return 2;
  }
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    nauthera::LogInfo("signal received; shutting down",
                      {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    (*app)->Stop();
  });
  (*app)->Run();
  // Run() returns only after Stop(), which only the waiter calls.
  waiter.join();
  return 0;
}
