#include "controller/kubernetes/leader_elector.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/kube/resource_ref.h"
#include "controller/kubernetes/kubernetes_credential_store.h"

namespace nauthera::controller {

std::string MicroTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

LeaderElector::LeaderElector(kube::KubeClient* client, Options options)
    : client_(client), options_(std::move(options)) {}

LeaderElector::~LeaderElector() { Stop(); }

void LeaderElector::Start() { thread_ = std::thread([this] { Run(); }); }

void LeaderElector::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaderElector::SetLeader(bool leader) {
  if (leader_.exchange(leader) == leader) return;
  if (leader) {
    LogInfo("became the leader", {{"lease", absl::StrCat(options_.ns, "/", options_.name)},
                                  {"identity", options_.identity}});
  } else {
    LogWarning("stopped being the leader", {{"lease", absl::StrCat(options_.ns, "/", options_.name)},
                                            {"identity", options_.identity}});
  }
  if (options_.on_change) options_.on_change(leader);
}

absl::Status LeaderElector::TryAcquireOrRenew() {
  absl::Time now = absl::Now();
  const kube::ResourceRef& leases = kube::refs::Leases();
  kube::WriteOptions write_options;
  write_options.field_manager = std::string(kFieldManager);
  kube::Object spec = {{"holderIdentity", options_.identity},
                       {"leaseDurationSeconds", absl::ToInt64Seconds(options_.lease_duration)},
                       {"acquireTime", MicroTime(now)},
                       {"renewTime", MicroTime(now)},
                       {"leaseTransitions", 0}};
  // 1. No Lease yet: create it, holding it.
  absl::StatusOr<kube::Object> lease = client_->Get(leases, options_.ns, options_.name);
  if (absl::IsNotFound(lease.status())) {
    kube::Object fresh = {{"apiVersion", "coordination.k8s.io/v1"},
                          {"kind", "Lease"},
                          {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
                          {"spec", spec}};
    return client_->Create(leases, options_.ns, fresh, write_options).status();
  }
  if (!lease.ok()) return lease.status();
  // 2. Held by someone else and not expired (by our clock, since it last changed): wait.
  kube::Object old_spec = lease->value("spec", kube::Object::object());
  std::string holder = old_spec.value("holderIdentity", "");
  std::string record = absl::StrCat(holder, "|", old_spec.value("renewTime", ""));
  if (record != observed_record_) {
    observed_record_ = record;
    observed_at_ = now;
  }
  int64_t duration = old_spec.value("leaseDurationSeconds", int64_t{15});
  if (!holder.empty() && holder != options_.identity &&
      now < observed_at_ + absl::Seconds(duration)) {
    return absl::AlreadyExistsError(absl::StrCat("the Lease is held by ", holder));
  }
  // 3. Ours (renew) or free / expired (take it): write with the resourceVersion read.
  int64_t transitions = old_spec.value("leaseTransitions", int64_t{0});
  if (holder == options_.identity) {
    spec["acquireTime"] = old_spec.value("acquireTime", MicroTime(now));
    spec["leaseTransitions"] = transitions;
  } else {
    spec["leaseTransitions"] = transitions + 1;
  }
  kube::Object updated = *lease;
  updated["spec"] = spec;
  return client_->Update(leases, options_.ns, updated, "", write_options).status();
}

void LeaderElector::Run() {
  while (true) {
    absl::Status status = TryAcquireOrRenew();
    absl::Time now = absl::Now();
    if (status.ok()) {
      last_renew_ = now;
      last_error_.clear();
      SetLeader(true);
    } else {
      bool held_by_other = absl::IsAlreadyExists(status);
      if (!held_by_other && std::string(status.message()) != last_error_) {
        last_error_ = std::string(status.message());
        LogWarning("leader election: cannot acquire or renew the Lease",
                   {{"error", last_error_}});
      }
      // Stop acting before anyone else may take over (renew deadline < lease duration).
      if (held_by_other || now - last_renew_ > options_.renew_deadline) SetLeader(false);
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.retry_period),
                     [this] { return stop_; })) {
      break;
    }
  }
  if (leader_.load()) Release();
}

void LeaderElector::Release() {
  SetLeader(false);
  absl::StatusOr<kube::Object> lease = client_->Get(kube::refs::Leases(), options_.ns,
                                                    options_.name);
  if (!lease.ok()) return;
  kube::Object spec = lease->value("spec", kube::Object::object());
  if (spec.value("holderIdentity", "") != options_.identity) return;
  // As client-go's ReleaseOnCancel: no holder, a one-second duration.
  (*lease)["spec"]["holderIdentity"] = "";
  (*lease)["spec"]["leaseDurationSeconds"] = 1;
  absl::Status released = client_->Update(kube::refs::Leases(), options_.ns, *lease).status();
  if (released.ok()) {
    LogInfo("released the Lease", {{"lease", absl::StrCat(options_.ns, "/", options_.name)}});
  } else {
    LogWarning("could not release the Lease", {{"error", std::string(released.message())}});
  }
}

}  // namespace nauthera::controller
