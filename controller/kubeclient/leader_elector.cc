#include "controller/kubeclient/leader_elector.h"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"

namespace nauthera::controller::kube {
namespace {
// client-go's JitterFactor: waits are spread over [period, 1.2 × period).
constexpr double kJitter = 1.2;
}  // namespace

std::string DefaultHolderIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') return pod;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return absl::StrCat(host[0] != '\0' ? host : "unknown-host", "-", getpid());
}

absl::StatusOr<std::unique_ptr<LeaderElector>> LeaderElector::Create(
    KubeClient* client, LeaderElectorOptions options, LeaderCallbacks callbacks) {
  if (options.lease_namespace.empty() || options.lease_name.empty()) {
    return absl::InvalidArgumentError("leader election needs the Lease's namespace and name");
  }
  if (options.retry_period <= absl::ZeroDuration() ||
      options.renew_deadline <= options.retry_period * kJitter ||
      options.lease_duration <= options.renew_deadline) {
    return absl::InvalidArgumentError(
        "leader election timings must satisfy lease duration > renew deadline > 1.2 × retry "
        "period > 0");
  }
  if (options.identity.empty()) options.identity = DefaultHolderIdentity();
  return std::unique_ptr<LeaderElector>(
      new LeaderElector(client, std::move(options), std::move(callbacks)));
}

LeaderElector::LeaderElector(KubeClient* client, LeaderElectorOptions options,
                             LeaderCallbacks callbacks)
    : client_(client), options_(std::move(options)), callbacks_(std::move(callbacks)) {}

LeaderElector::~LeaderElector() { Stop(); }

void LeaderElector::Start() { thread_ = std::thread([this] { Run(); }); }

void LeaderElector::Stop() {
  cancel_.Cancel();
  if (thread_.joinable()) thread_.join();
}

bool LeaderElector::IsLeader() const {
  absl::MutexLock lock(&mu_);
  return leading_;
}

std::string LeaderElector::observed_leader() const {
  absl::MutexLock lock(&mu_);
  return observed_.holder_identity;
}

absl::Duration LeaderElector::Jittered(absl::Duration period) {
  static thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_real_distribution<double> spread(1.0, kJitter);
  return period * spread(random);
}

void LeaderElector::Run() {
  while (!cancel_.cancelled()) {
    if (TryAcquireOrRenew() == Attempt::kLeading) {
      Lead();
    } else {
      cancel_.SleepFor(Jittered(options_.retry_period));
    }
  }
}

void LeaderElector::Lead() {
  {
    absl::MutexLock lock(&mu_);
    leading_ = true;
  }
  LogInfo("became the leader",
          {{"lease", options_.lease_name}, {"identity", options_.identity}});
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();
  absl::Time renewed = absl::Now();
  while (cancel_.SleepFor(options_.retry_period)) {
    Attempt attempt = TryAcquireOrRenew();
    if (attempt == Attempt::kLeading) {
      renewed = absl::Now();
      continue;
    }
    // Someone else holds it now, or we could not renew in time: stop before they start.
    if (attempt == Attempt::kHeldByOther || absl::Now() - renewed >= options_.renew_deadline) {
      break;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    leading_ = false;
  }
  if (cancel_.cancelled()) Release();
  LogInfo("stopped being the leader",
          {{"lease", options_.lease_name}, {"identity", options_.identity}});
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

void LeaderElector::Observe(const LeaseRecord& record, absl::Time now) {
  std::string new_leader;
  {
    absl::MutexLock lock(&mu_);
    // Any write changes the resourceVersion: the record changed, so its lease starts again
    // now, by our clock.
    if (record.resource_version == observed_.resource_version) return;
    if (record.holder_identity != observed_.holder_identity) new_leader = record.holder_identity;
    observed_ = record;
    observed_at_ = now;
  }
  if (!new_leader.empty() && callbacks_.on_new_leader) callbacks_.on_new_leader(new_leader);
}

LeaderElector::Attempt LeaderElector::TryAcquireOrRenew() {
  absl::Time now = absl::Now();
  LeaseRecord desired;
  desired.holder_identity = options_.identity;
  desired.lease_duration_seconds =
      static_cast<int>(absl::ToInt64Seconds(options_.lease_duration));
  desired.acquire_time = now;
  desired.renew_time = now;

  // 1. Read; create when there is none.
  absl::StatusOr<LeaseRecord> current =
      GetLease(*client_, options_.lease_namespace, options_.lease_name);
  if (current.status().code() == absl::StatusCode::kNotFound) {
    absl::StatusOr<LeaseRecord> created =
        CreateLease(*client_, options_.lease_namespace, options_.lease_name, desired);
    if (!created.ok()) {
      if (created.status().code() == absl::StatusCode::kAlreadyExists) return Attempt::kHeldByOther;
      LogWarning("kube: cannot create the Lease", {{"error", std::string(created.status().message())}});
      return Attempt::kFailed;
    }
    Observe(*created, now);
    return Attempt::kLeading;
  }
  if (!current.ok()) {
    LogWarning("kube: cannot read the Lease", {{"error", std::string(current.status().message())}});
    return Attempt::kFailed;
  }
  Observe(*current, now);

  // 2. Held by another whose lease has not run out (by our clock, since we saw it change)?
  if (!current->holder_identity.empty() && current->holder_identity != options_.identity) {
    absl::MutexLock lock(&mu_);
    if (observed_at_ + absl::Seconds(current->lease_duration_seconds) > now) {
      return Attempt::kHeldByOther;
    }
  }

  // 3. Ours to renew, or free to take.
  if (current->holder_identity == options_.identity) {
    desired.acquire_time = current->acquire_time;
    desired.lease_transitions = current->lease_transitions;
  } else {
    desired.lease_transitions = current->lease_transitions + 1;
  }
  desired.resource_version = current->resource_version;
  absl::StatusOr<LeaseRecord> updated =
      UpdateLease(*client_, options_.lease_namespace, options_.lease_name, desired);
  if (!updated.ok()) {
    // kAborted: another candidate wrote first; it will be observed on the next read.
    if (updated.status().code() != absl::StatusCode::kAborted) {
      LogWarning("kube: cannot update the Lease", {{"error", std::string(updated.status().message())}});
    }
    return Attempt::kFailed;
  }
  Observe(*updated, now);
  return Attempt::kLeading;
}

void LeaderElector::Release() {
  absl::StatusOr<LeaseRecord> current =
      GetLease(*client_, options_.lease_namespace, options_.lease_name);
  if (!current.ok() || current->holder_identity != options_.identity) return;
  LeaseRecord released = *current;
  released.holder_identity.clear();
  released.lease_duration_seconds = 1;
  released.renew_time = absl::Now();
  released.acquire_time = released.renew_time;
  absl::StatusOr<LeaseRecord> written =
      UpdateLease(*client_, options_.lease_namespace, options_.lease_name, released);
  if (!written.ok()) {
    LogWarning("kube: cannot release the Lease", {{"error", std::string(written.status().message())}});
  }
}

}  // namespace nauthera::controller::kube
