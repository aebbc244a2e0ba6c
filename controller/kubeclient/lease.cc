#include "controller/kubeclient/lease.h"

#include <string>

#include "common/util/status_macros.h"

namespace nauthera::controller::kube {
namespace {

// metav1.MicroTime is parsed with Go's RFC3339Micro layout: exactly six fractional digits.
std::string MicroTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

absl::Time ParseMicroTime(const Object& spec, const char* field) {
  auto it = spec.find(field);
  absl::Time time = absl::InfinitePast();
  if (it == spec.end() || !it->is_string()) return time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, it->get<std::string>(), &time, &error)) {
    return absl::InfinitePast();
  }
  return time;
}

int IntField(const Object& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

Object LeaseObject(absl::string_view ns, absl::string_view name, const LeaseRecord& record) {
  Object metadata = {{"name", std::string(name)}, {"namespace", std::string(ns)}};
  if (!record.resource_version.empty()) metadata["resourceVersion"] = record.resource_version;
  Object spec = {{"holderIdentity", record.holder_identity},
                 {"leaseDurationSeconds", record.lease_duration_seconds},
                 {"leaseTransitions", record.lease_transitions}};
  if (record.acquire_time != absl::InfinitePast()) {
    spec["acquireTime"] = MicroTime(record.acquire_time);
  }
  if (record.renew_time != absl::InfinitePast()) spec["renewTime"] = MicroTime(record.renew_time);
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", metadata},
          {"spec", spec}};
}

LeaseRecord LeaseRecordOf(const Object& lease) {
  LeaseRecord record;
  record.resource_version = ResourceVersionOf(lease);
  auto spec = lease.find("spec");
  if (spec == lease.end() || !spec->is_object()) return record;
  auto holder = spec->find("holderIdentity");
  if (holder != spec->end() && holder->is_string()) {
    record.holder_identity = holder->get<std::string>();
  }
  record.lease_duration_seconds = IntField(*spec, "leaseDurationSeconds");
  record.lease_transitions = IntField(*spec, "leaseTransitions");
  record.acquire_time = ParseMicroTime(*spec, "acquireTime");
  record.renew_time = ParseMicroTime(*spec, "renewTime");
  return record;
}

absl::StatusOr<LeaseRecord> GetLease(KubeClient& client, absl::string_view ns,
                                     absl::string_view name) {
  ASSIGN_OR_RETURN(Object lease, client.Get(refs::Leases(), ns, name));
  return LeaseRecordOf(lease);
}

absl::StatusOr<LeaseRecord> CreateLease(KubeClient& client, absl::string_view ns,
                                        absl::string_view name, const LeaseRecord& record) {
  LeaseRecord fresh = record;
  fresh.resource_version.clear();
  ASSIGN_OR_RETURN(Object lease, client.Create(refs::Leases(), ns, LeaseObject(ns, name, fresh)));
  return LeaseRecordOf(lease);
}

absl::StatusOr<LeaseRecord> UpdateLease(KubeClient& client, absl::string_view ns,
                                        absl::string_view name, const LeaseRecord& record) {
  if (record.resource_version.empty()) {
    return absl::InvalidArgumentError("a Lease update needs the resourceVersion it read");
  }
  ASSIGN_OR_RETURN(Object lease, client.Update(refs::Leases(), ns, LeaseObject(ns, name, record)));
  return LeaseRecordOf(lease);
}

}  // namespace nauthera::controller::kube
