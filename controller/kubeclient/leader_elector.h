// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package
// does it (only the leader writes; DESIGN.md):
//   - a candidate reads the Lease every retry_period; it takes it when it is free (no
//     holder), released, or not renewed for lease_duration as measured on OUR clock since we
//     last saw the record change (never comparing the holder's clock with ours);
//   - the leader renews every retry_period; if no renewal succeeds for renew_deadline, it
//     stops leading (before lease_duration runs out, so no one else can have taken over yet);
//   - every write carries the resourceVersion read, so two candidates cannot both win;
//   - on Stop() the leader releases the Lease (holder "", duration 1 s) so a successor need
//     not wait out the lease.
// https://kubernetes.io/docs/concepts/architecture/leases/#leader-election
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_LEADER_ELECTOR_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_LEADER_ELECTOR_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "controller/kubeclient/cancellation.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubeclient/lease.h"

namespace nauthera::controller::kube {

struct LeaderElectorOptions {
  std::string lease_namespace;
  std::string lease_name = "nauthera-controller";
  std::string identity;  // "" → DefaultHolderIdentity()
  // client-go's defaults for controllers.
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
};

// Called on the elector's thread; they must return promptly (start or stop work elsewhere).
struct LeaderCallbacks {
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;  // optional
};

// $POD_NAME when set (the Downward API), else "<hostname>-<pid>".
std::string DefaultHolderIdentity();

class LeaderElector {
 public:
  // Checks the timings as client-go does: lease_duration > renew_deadline >
  // 1.2 × retry_period > 0. `client` must outlive the elector.
  static absl::StatusOr<std::unique_ptr<LeaderElector>> Create(KubeClient* client,
                                                               LeaderElectorOptions options,
                                                               LeaderCallbacks callbacks);
  ~LeaderElector();  // Stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  void Start();
  // Stops campaigning; a leader releases the Lease and gets on_stopped_leading.
  void Stop();

  bool IsLeader() const;
  // The holder last observed ("" before the first read or when released).
  std::string observed_leader() const;
  const std::string& identity() const { return options_.identity; }

 private:
  enum class Attempt { kLeading, kHeldByOther, kFailed };

  LeaderElector(KubeClient* client, LeaderElectorOptions options, LeaderCallbacks callbacks);
  void Run();
  // Leads until the lease is lost or Stop(); returns after on_stopped_leading.
  void Lead();
  // One read and, when allowed, one write: client-go's tryAcquireOrRenew.
  Attempt TryAcquireOrRenew();
  void Observe(const LeaseRecord& record, absl::Time now);
  void Release();
  absl::Duration Jittered(absl::Duration period);

  KubeClient* const client_;
  const LeaderElectorOptions options_;
  const LeaderCallbacks callbacks_;
  Cancellation cancel_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool leading_ ABSL_GUARDED_BY(mu_) = false;
  LeaseRecord observed_ ABSL_GUARDED_BY(mu_);
  absl::Time observed_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_LEADER_ELECTOR_H_
