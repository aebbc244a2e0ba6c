#include "controller/kubernetes/kubernetes_mode.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/kubeclient/http_kube_client.h"
#include "controller/kubeclient/kube_config.h"
#include "controller/kubernetes/kubernetes_key_store.h"

namespace nauthera::controller {
namespace {

std::string Identity() {
  char host[256] = {0};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return absl::StrCat(host[0] ? host : "nauthera-controller", "_", ::getpid());
}

}  // namespace

absl::StatusOr<std::unique_ptr<KubernetesMode>> KubernetesMode::Start(
    const KubernetesModeOptions& options, std::function<void()> on_change) {
  std::unique_ptr<KubernetesMode> mode(new KubernetesMode());
  // 1. The API server and who we are there.
  absl::StatusOr<kube::KubeConfig> config =
      options.in_cluster ? kube::LoadInClusterConfig() : kube::LoadKubeConfigFile(options.kubeconfig);
  if (!config.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.in_cluster ? "--in-cluster: " : absl::StrCat("--kubeconfig=", options.kubeconfig, ": "),
        config.status().message()));
  }
  mode->ns_ = options.ns.empty() ? config->default_namespace : options.ns;
  mode->identity_ = Identity();
  ASSIGN_OR_RETURN(std::unique_ptr<kube::HttpKubeClient> client,
                   kube::HttpKubeClient::FromConfig(*config));
  mode->client_ = std::move(client);
  // 2. Leader election first, so the store knows whether it may write.
  if (options.leader_elect) {
    kube::LeaderElectorOptions elector_options;
    elector_options.lease_namespace = mode->ns_;
    elector_options.identity = mode->identity_;
    elector_options.lease_duration = options.lease_duration;
    elector_options.renew_deadline = options.lease_duration * 2 / 3;
    elector_options.retry_period = std::max(options.lease_duration / 5, absl::Milliseconds(200));
    ASSIGN_OR_RETURN(mode->elector_, kube::LeaderElector::Create(mode->client_.get(),
                                                                 elector_options, {}));
    mode->elector_->Start();
  }
  // 3. The watches.
  KubernetesSource::Options source_options;
  source_options.watch_namespace = options.watch_namespace;
  source_options.own_namespace = mode->ns_;
  source_options.on_change = std::move(on_change);
  mode->source_ = std::make_unique<KubernetesSource>(mode->client_.get(), source_options);
  mode->source_view_ = mode->source_.get();
  KubernetesCredentialStore::Options store_options;
  store_options.watch_namespace = options.watch_namespace;
  KubernetesSource* source = mode->source_view_;
  store_options.owner_lookup = [source](const ObjectKey& key) { return source->Raw(key); };
  KubernetesMode* self = mode.get();
  store_options.is_leader = [self] { return self->Writes(); };
  store_options.identity = mode->identity_;
  mode->store_ = std::make_unique<KubernetesCredentialStore>(mode->client_.get(), store_options);
  mode->store_view_ = mode->store_.get();
  mode->status_writer_ = std::make_unique<StatusWriter>(mode->client_.get(), source,
                                                       options.watch_namespace);
  // 4. The signing keys: every replica uses the one Secret.
  mode->key_store_ = MakeKubernetesKeyStore(*mode->client_, mode->ns_);
  ASSIGN_OR_RETURN(mode->keys_,
                   LoadOrCreateKeySecret(*mode->key_store_, absl::Now() + absl::Seconds(30),
                                         options.signing_algorithm));
  LogInfo("kubernetes mode", {{"server", config->server},
                              {"namespace", mode->ns_},
                              {"watch_namespace", options.watch_namespace.empty()
                                                      ? "(all)"
                                                      : options.watch_namespace},
                              {"identity", mode->identity_},
                              {"leader_elect", options.leader_elect ? "true" : "false"}});
  return mode;
}

KubernetesMode::~KubernetesMode() { Stop(); }

bool KubernetesMode::Synced() const {
  return source_view_->Synced() && store_view_->Synced();
}

absl::Status KubernetesMode::PublishStatuses(const std::vector<ObjectStatus>& statuses) {
  if (!Writes()) return absl::OkStatus();
  return status_writer_->Write(statuses);
}

void KubernetesMode::Stop() {
  if (elector_) elector_->Stop();
}

}  // namespace nauthera::controller
