// Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does:
// the holder renews spec.renewTime every retry period; another replica takes the Lease only
// when it has seen the same record unchanged for a whole leaseDurationSeconds (measured on its
// own clock, so clock skew between machines does not matter); every write carries the
// resourceVersion read, so two replicas never both win (409 Conflict for the loser).
// A leader that cannot renew within the renew deadline stops being leader before its Lease
// can expire for others. Stop() releases the Lease, so a successor takes over at once.
// https://kubernetes.io/docs/concepts/architecture/leases/
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_LEADER_ELECTOR_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_LEADER_ELECTOR_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/kube/kube_client.h"

namespace nauthera::controller {

class LeaderElector {
 public:
  struct Options {
    std::string ns;
    std::string name = "nauthera-controller";
    std::string identity;  // unique per replica: host name + pid
    absl::Duration lease_duration = absl::Seconds(15);
    absl::Duration renew_deadline = absl::Seconds(10);
    absl::Duration retry_period = absl::Seconds(2);
    // Called on the elector's thread when leadership is gained (true) or lost (false).
    std::function<void(bool)> on_change;
  };

  // `client` must outlive the elector.
  LeaderElector(kube::KubeClient* client, Options options);
  ~LeaderElector();  // Stop()

  void Start();
  // Stops trying; a leader releases the Lease (holderIdentity cleared).
  void Stop();

  bool IsLeader() const { return leader_.load(); }
  const std::string& identity() const { return options_.identity; }

 private:
  void Run();
  // One attempt to acquire or renew. OK when we hold the Lease afterwards.
  absl::Status TryAcquireOrRenew();
  void SetLeader(bool leader);
  void Release();

  kube::KubeClient* const client_;
  const Options options_;
  std::atomic<bool> leader_{false};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  // The last record seen from another holder, and when (our clock) it last changed.
  std::string observed_record_;
  absl::Time observed_at_ = absl::InfinitePast();
  absl::Time last_renew_ = absl::InfinitePast();
  std::string last_error_;
};

// Formats a time as a Kubernetes MicroTime ("2026-11-02T10:00:00.123456Z").
std::string MicroTime(absl::Time time);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_LEADER_ELECTOR_H_
