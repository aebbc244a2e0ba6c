#include <catch2/catch.hpp>

#include <string>

#include "controller/kubeclient/leader_elector.h"
#include "controller/kubeclient/lease.h"

namespace nauthera::controller::kube {
namespace {

TEST_CASE("a Lease record goes to the API shape and back, times as MicroTime") {
  LeaseRecord record;
  record.holder_identity = "controller-0";
  record.lease_duration_seconds = 15;
  record.acquire_time = absl::FromUnixMicros(1795000000000001);
  record.renew_time = absl::FromUnixMicros(1795000012500000);
  record.lease_transitions = 3;
  record.resource_version = "42";
  Object lease = LeaseObject("nauthera-system", "nauthera-controller", record);
  CHECK(lease["apiVersion"] == "coordination.k8s.io/v1");
  CHECK(lease["metadata"]["resourceVersion"] == "42");
  // Go's RFC3339Micro layout: exactly six fractional digits.
  CHECK(lease["spec"]["acquireTime"] == "2026-11-18T11:06:40.000001Z");
  CHECK(lease["spec"]["renewTime"] == "2026-11-18T11:06:52.500000Z");
  LeaseRecord back = LeaseRecordOf(lease);
  CHECK(back.holder_identity == "controller-0");
  CHECK(back.lease_duration_seconds == 15);
  CHECK(back.acquire_time == record.acquire_time);
  CHECK(back.renew_time == record.renew_time);
  CHECK(back.lease_transitions == 3);
  CHECK(back.resource_version == "42");
}

TEST_CASE("an empty Lease reads as free") {
  LeaseRecord record = LeaseRecordOf({{"metadata", {{"name", "x"}}}});
  CHECK(record.holder_identity.empty());
  CHECK(record.renew_time == absl::InfinitePast());
}

TEST_CASE("leader election refuses timings that could let two leaders overlap") {
  auto [duration, deadline, retry, ok] = GENERATE(table<int, int, int, bool>({
      {15, 10, 2, true},
      {10, 10, 2, false},  // the lease must outlast the renew deadline
      {15, 2, 2, false},   // the deadline must leave room for a jittered retry
      {15, 10, 0, false},
  }));
  CAPTURE(duration, deadline, retry);
  LeaderElectorOptions options;
  options.lease_namespace = "a";
  options.lease_duration = absl::Seconds(duration);
  options.renew_deadline = absl::Seconds(deadline);
  options.retry_period = absl::Seconds(retry);
  CHECK(LeaderElector::Create(nullptr, options, {}).ok() == ok);
}

TEST_CASE("the default holder identity is the pod name, else host and pid") {
  ::setenv("POD_NAME", "nauthera-controller-7d9f-abcde", 1);
  CHECK(DefaultHolderIdentity() == "nauthera-controller-7d9f-abcde");
  ::unsetenv("POD_NAME");
  CHECK(DefaultHolderIdentity().find("-" + std::to_string(getpid())) != std::string::npos);
}

}  // namespace
}  // namespace nauthera::controller::kube
