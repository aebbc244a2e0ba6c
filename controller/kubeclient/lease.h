// coordination.k8s.io/v1 Leases: the record leader election reads and writes. Writes carry the
// resourceVersion that was read, so two candidates that read the same record cannot both win:
// the second update is a 409 (kAborted).
// https://kubernetes.io/docs/concepts/architecture/leases/
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_LEASE_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_LEASE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube {

struct LeaseRecord {
  std::string holder_identity;  // "" when released
  int lease_duration_seconds = 0;
  absl::Time acquire_time = absl::InfinitePast();
  absl::Time renew_time = absl::InfinitePast();
  int lease_transitions = 0;
  // Of the object this record was read from; sent back on update ("" on create).
  std::string resource_version;
};

// The Lease object for `record` (spec.*Time as MicroTime: RFC 3339 with microseconds).
Object LeaseObject(absl::string_view ns, absl::string_view name, const LeaseRecord& record);
// The record in a Lease object; missing fields stay at their defaults.
LeaseRecord LeaseRecordOf(const Object& lease);

// kNotFound when there is no such Lease.
absl::StatusOr<LeaseRecord> GetLease(KubeClient& client, absl::string_view ns,
                                     absl::string_view name);
// kAlreadyExists when another candidate created it first.
absl::StatusOr<LeaseRecord> CreateLease(KubeClient& client, absl::string_view ns,
                                        absl::string_view name, const LeaseRecord& record);
// PUT with record.resource_version: kAborted when the Lease changed since it was read.
absl::StatusOr<LeaseRecord> UpdateLease(KubeClient& client, absl::string_view ns,
                                        absl::string_view name, const LeaseRecord& record);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_LEASE_H_
