#include "controller/app/controller_app.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/metrics/controller_metrics.h"
#include "controller/app/grpc_server.h"
#include "controller/app/http_endpoints.h"
#include "controller/status/status_report.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

// A level-based controller re-reconciles now and then even when nothing seems to have
// changed (controller-runtime's resync period): it repairs what no change detection saw.
constexpr absl::Duration kResyncPeriod = absl::Seconds(60);
// After a failed pass, retry at this pace rather than every poll.
constexpr absl::Duration kRetryAfterFailure = absl::Seconds(5);

std::string Time(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  return absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

// {"keys":[{"kid":..,"phase":"ACTIVE","created":..,"activated":..,"retired":..,
//  "removeAfter":..}]}: what rotation is doing, for people and tests.
std::string KeysJson(const std::vector<KeySummary>& keys) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const KeySummary& key : keys) {
    nlohmann::ordered_json item = {{"kid", key.kid}, {"phase", key.phase},
                                   {"created", Time(key.created_at)}};
    if (key.activated_at) item["activated"] = Time(key.activated_at);
    if (key.retired_at) item["retired"] = Time(key.retired_at);
    if (key.remove_after) item["removeAfter"] = Time(key.remove_after);
    list.push_back(std::move(item));
  }
  return nlohmann::ordered_json{{"keys", list}}.dump(2) + "\n";
}

}  // namespace

ControllerApp::ControllerApp(const ControllerOptions& options) : options_(options) {}

ControllerApp::~ControllerApp() {
  Stop();
  ShutdownServers();
}

void ControllerApp::ShutdownServers() {
  if (servers_down_) return;
  servers_down_ = true;
  // Streams wake and end; then gRPC cancels whatever is left after the deadline.
  broadcaster_.Shutdown();
  if (grpc_server_) {
    grpc_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  // In-flight requests finish; kept-alive connections close after their response.
  if (http_server_) http_server_->Shutdown(std::chrono::seconds(2));
  if (metrics_server_) metrics_server_->Shutdown(std::chrono::seconds(2));
}

namespace {

// Both listeners serve GET and HEAD only: no route reads a body.
HttpServer::Options ControllerHttpOptions(const ControllerOptions& options,
                                          const std::string& listen) {
  HttpServer::Options http;
  http.listen_url = listen;
  http.limits = options.http_limits;
  http.threads = 1;  // probes, Prometheus and people
  http.body_limit = [](absl::string_view, absl::string_view) { return size_t{0}; };
  return http;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ControllerApp>> ControllerApp::Start(
    const ControllerOptions& options) {
  // 1. Refuse what is unsafe or incomplete.
  RETURN_IF_ERROR(ValidateOptions(options));
  std::unique_ptr<ControllerApp> app(new ControllerApp(options));
  DefineControllerMetrics();
  // 2-4. Where objects, keys and credentials live: a cluster, or folders.
  RETURN_IF_ERROR(options.kubernetes() ? app->StartKubernetes() : app->StartLocal());
  // 5. The servers.
  app->service_ = std::make_unique<StateServiceImpl>(app->broadcaster_);
  ASSIGN_OR_RETURN(app->grpc_server_, StartGrpcServer(options, app->service_.get()));
  ControllerApp* self = app.get();
  HttpEndpointsDeps deps{&app->ready_, app->board_.get(),
                         [self] { return self->broadcaster_.Latest()
                                             ? self->broadcaster_.Latest()->version()
                                             : std::string(); },
                         [self] { return KeysJson(self->key_manager_->Summary()); }};
  HttpServer::Options http_options = ControllerHttpOptions(options, options.http_listen);
  HttpEndpointsDeps metrics_deps = deps;
  metrics_deps.probes_and_metrics_only = true;
  ASSIGN_OR_RETURN(app->http_server_,
                   HttpServer::Start(http_options, MakeControllerHttpHandler(std::move(deps))));
  if (!options.metrics_listen.empty()) {
    HttpServer::Options metrics_options =
        ControllerHttpOptions(options, options.metrics_listen);
    ASSIGN_OR_RETURN(app->metrics_server_,
                     HttpServer::Start(metrics_options,
                                       MakeControllerHttpHandler(std::move(metrics_deps))));
  }
  LogInfo("controller started",
          {{"manifests", options.kubernetes() ? "(kubernetes)" : options.manifests},
           {"state_dir", options.kubernetes() ? "(kubernetes)" : options.state_dir},
           {"issuer_url", options.issuer_url}, {"grpc_listen", app->grpc_server_->address()},
           {"grpc_auth", options.mutual_tls() ? "mutual TLS" : "unix socket peer uid"},
           {"http_listen", options.http_listen},
           {"metrics_listen", options.metrics_listen.empty() ? "(none)" : options.metrics_listen}});
  return app;
}

absl::Status ControllerApp::StartLocal() {
  const ControllerOptions& options = options_;
  // 2. The source and the state folder.
  FolderSource::Options source_options;
  source_options.folder = options.manifests;
  ASSIGN_OR_RETURN(source_, FolderSource::Create(source_options));
  RETURN_IF_ERROR(MakePrivateDirs(options.state_dir));
  // 3. Signing keys: made once, reused on every later start.
  std::string keys_path =
      absl::StrCat(options.state_dir, "/keys/", kSigningKeysSecretName, ".yaml");
  key_store_ = MakeFileKeyStore(keys_path);
  ASSIGN_OR_RETURN(keys_, KeyRing::LoadOrCreate(*key_store_, absl::ToUnixSeconds(absl::Now()),
                                                       options.signing_algorithm));
  LogKeys(keys_path);
  // 4. Credentials, statuses, the reconcile pass.
  store_ = std::make_unique<FolderCredentialStore>(absl::StrCat(options.state_dir, "/secrets"));
  board_ = std::make_unique<StatusBoard>(options.state_dir);
  MakeManager();
  absl::StatusOr<std::string> last_status =
      ReadWholeFile(absl::StrCat(options.state_dir, "/status.json"));
  if (last_status.ok()) {
    manager_->credentials().Remember(ClientIdsFromStatusJson(*last_status));
  }
  return absl::OkStatus();
}

absl::Status ControllerApp::StartKubernetes() {
  // 2-3. The API server's objects, the signing key Secret, leader election.
  // A watch event wakes the loop at once: apply -> served in ~0.1 s, not a poll later.
  KubernetesModeOptions mode_options;
  mode_options.kubeconfig = options_.kubeconfig;
  mode_options.in_cluster = options_.in_cluster;
  mode_options.ns = options_.ns;
  mode_options.watch_namespace = options_.watch_namespace;
  mode_options.leader_elect = options_.leader_elect;
  mode_options.lease_duration = options_.lease_duration;
  mode_options.signing_algorithm = options_.signing_algorithm;
  ASSIGN_OR_RETURN(kube_, KubernetesMode::Start(mode_options, [this] { Wake(); }));
  source_ = kube_->TakeSource();
  keys_ = kube_->TakeKeys();
  key_store_ = kube_->TakeKeyStore();
  LogKeys(absl::StrCat("secret ", kube_->ns(), "/", kSigningKeysSecretName));
  // 4. Credentials Secrets; statuses go to the objects (no files).
  store_ = kube_->TakeStore();
  board_ = std::make_unique<StatusBoard>("");
  MakeManager();
  return absl::OkStatus();
}

void ControllerApp::LogKeys(const std::string& where) {
  for (const SigningKey& key : keys_->keys()) {
    LogInfo(keys_->created() ? "signing key created" : "signing key loaded",
            {{"kid", key.kid}, {"phase", std::string(KeyPhaseName(key.phase))},
             {"file", where}});
  }
}

void ControllerApp::MakeManager() {
  ControllerManager::Options manager_options;
  manager_options.issuer = IssuerSettings{options_.issuer_url, options_.jwks_max_age_seconds};
  KeyManager::Options key_options;
  key_options.rotation = RotationSettingsFrom(options_);
  // New keys (each rotation's) get the configured algorithm; existing keys keep theirs, so a
  // change of algorithm goes through the usual PUBLISHED -> ACTIVE -> RETIRED phases.
  key_options.make_key = [algorithm = options_.signing_algorithm](int64_t now) {
    return KeyRing::MakeKey(now, algorithm);
  };
  KubernetesMode* kube = kube_.get();
  key_options.may_write = [kube] { return kube == nullptr || kube->Writes(); };
  key_manager_ = std::make_unique<KeyManager>(std::move(key_store_), std::move(keys_),
                                              std::move(key_options));
  manager_ = std::make_unique<ControllerManager>(manager_options, *store_, key_manager_->ring(),
                                                 broadcaster_, *board_);
}

void ControllerApp::PollOnce() {
  // Kubernetes mode: a pass before every watch has listed would publish a partial State.
  if (kube_ && !kube_->Synced()) return;
  bool changed = source_->Refresh();
  // Rotation and other replicas' key changes: a new key set is a new State.
  changed = key_manager_->Tick(absl::ToUnixSeconds(absl::Now()),
                               manager_->max_token_ttl_seconds()) ||
            changed;
  std::string token = store_->ChangeToken();
  changed = changed || token != secrets_token_;
  absl::Duration since = absl::Now() - last_pass_;
  bool due = since >= kResyncPeriod || (reconcile_failed_ && since >= kRetryAfterFailure);
  if (!changed && !due) return;
  last_pass_ = absl::Now();
  absl::Status status = manager_->Reconcile(source_->Current());
  if (kube_) {
    absl::Status statuses = kube_->PublishStatuses(board_->Statuses());
    if (status.ok()) status = statuses;
  }
  // Our own writes changed the Secrets: take the token after them, not before.
  secrets_token_ = store_->ChangeToken();
  reconcile_failed_ = !status.ok();
  if (!status.ok()) {
    LogError("reconcile failed; will retry", {{"error", std::string(status.message())}});
  } else if (!ready_.exchange(true)) {
    LogInfo("ready: first reconcile complete", {{"version", manager_->state_version()}});
  }
}

void ControllerApp::Run() {
  while (true) {
    PollOnce();
    MutexLock lock(&mu_);
    if (cv_.WaitWithTimeout(&mu_, options_.poll_interval,
                            [this] {
                              mu_.AssertHeld();
                              return stop_ || wake_;
                            }) &&
        stop_) {
      break;
    }
    wake_ = false;
  }
  LogInfo("controller stopping");
  if (kube_) kube_->Stop();  // releases the Lease: a successor takes over at once
  ShutdownServers();
  LogInfo("controller stopped");
}

void ControllerApp::Wake() {
  {
    MutexLock lock(&mu_);
    wake_ = true;
  }
  cv_.SignalAll();
}

void ControllerApp::Stop() {
  // /readyz answers 503 from now on, so load balancers stop sending work here first.
  ready_.store(false);
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
}

}  // namespace nauthera::controller
