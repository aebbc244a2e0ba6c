// The controller program, assembled: the folder source, the key ring, the credential store,
// the reconcile loop, the gRPC state stream and the HTTP endpoints. main.cc only maps flags
// and signals onto it.
#ifndef NAUTHERA_CONTROLLER_APP_CONTROLLER_APP_H_
#define NAUTHERA_CONTROLLER_APP_CONTROLLER_APP_H_

#include <atomic>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_server.h"
#include "common/util/mutex.h"
#include "controller/app/grpc_server.h"
#include "controller/app/options.h"
#include "controller/keys/key_manager.h"
#include "controller/keys/key_ring.h"
#include "controller/kubernetes/kubernetes_mode.h"
#include "controller/manager/controller_manager.h"
#include "controller/reconcilers/folder_credential_store.h"
#include "controller/source/folder_source.h"
#include "controller/status/status_board.h"
#include "controller/sync/state_broadcaster.h"
#include "controller/sync/state_service.h"

namespace nauthera::controller {

class ControllerApp {
 public:
  // Checks the options, prepares the state folder, loads or makes the signing keys and starts
  // the gRPC and HTTP servers. Fails with a message a person can act on.
  static absl::StatusOr<std::unique_ptr<ControllerApp>> Start(const ControllerOptions& options);
  ~ControllerApp();

  // Polls and reconciles until Stop(); then shuts the servers down.
  void Run();
  // Thread-safe; Run() returns soon after.
  void Stop();
  // Ends the current wait of Run() early (any thread).
  void Wake();

  // One poll (source and Secrets) and, if anything changed, one reconcile. For tests.
  void PollOnce();
  bool ready() const { return ready_.load(); }

 private:
  explicit ControllerApp(const ControllerOptions& options);
  absl::Status StartLocal();
  absl::Status StartKubernetes();
  void LogKeys(const std::string& where);
  void MakeManager();
  void ShutdownServers();

  ControllerOptions options_;
  // Kubernetes mode only; declared first so that it outlives the source and store it made.
  std::unique_ptr<KubernetesMode> kube_;
  std::unique_ptr<Source> source_;
  std::unique_ptr<KeyRing> keys_;  // until MakeManager hands it to key_manager_
  std::unique_ptr<KeyStore> key_store_;
  std::unique_ptr<KeyManager> key_manager_;
  std::unique_ptr<CredentialStore> store_;
  std::unique_ptr<StatusBoard> board_;
  StateBroadcaster broadcaster_;
  std::unique_ptr<ControllerManager> manager_;
  std::unique_ptr<StateServiceImpl> service_;
  std::unique_ptr<GrpcServer> grpc_server_;
  std::unique_ptr<HttpServer> http_server_;
  std::unique_ptr<HttpServer> metrics_server_;  // --metrics-listen
  std::atomic<bool> ready_{false};
  std::string secrets_token_;
  bool reconcile_failed_ = false;
  absl::Time last_pass_ = absl::InfinitePast();
  bool servers_down_ = false;
  Mutex mu_;
  CondVar cv_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;  // a watched object changed: poll now
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_CONTROLLER_APP_H_
