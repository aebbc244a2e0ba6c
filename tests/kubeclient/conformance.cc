// The KubeClient behaviour Nauthera relies on, checked against every implementation (see
// conformance.h): the real API server decides what is right, the fake must agree.
#include "tests/kubeclient/conformance.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/informer.h"
#include "controller/kubeclient/leader_elector.h"
#include "controller/kubeclient/lease.h"
#include "tests/kubeclient/kube_test_helpers.h"
#include "tests/kubeclient/partitionable_client.h"

namespace nauthera::controller::kube::testing {
namespace {

std::string DataValue(const Object& secret) { return secret["data"]["value"].get<std::string>(); }

TEST_CASE("conformance: Secrets are created, read, listed by label, updated, patched, deleted") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-crud");
  absl::StatusOr<Object> created =
      client.Create(refs::Secrets(), ns, Secret("a", "1", {{"app", "x"}}));
  REQUIRE(created.ok());
  CHECK(!UidOf(*created).empty());
  CHECK(DataValue(*created) == "MQ==");  // stringData is stored as base64 data
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("b", "2")).ok());

  absl::StatusOr<Object> got = client.Get(refs::Secrets(), ns, "a");
  REQUIRE(got.ok());
  CHECK(ResourceVersionOf(*got) == ResourceVersionOf(*created));

  ListOptions by_label;
  by_label.label_selector = "app=x";
  absl::StatusOr<ObjectList> labelled = client.List(refs::Secrets(), ns, by_label);
  REQUIRE(labelled.ok());
  REQUIRE(labelled->items.size() == 1);
  CHECK(NameOf(labelled->items[0]) == "a");
  CHECK(!labelled->resource_version.empty());
  ListOptions by_name;
  by_name.field_selector = "metadata.name=b";
  absl::StatusOr<ObjectList> named = client.List(refs::Secrets(), ns, by_name);
  REQUIRE(named.ok());
  REQUIRE(named->items.size() == 1);
  CHECK(NameOf(named->items[0]) == "b");

  Object changed = *got;
  changed["data"]["value"] = "Mg==";
  absl::StatusOr<Object> updated = client.Update(refs::Secrets(), ns, changed);
  REQUIRE(updated.ok());
  CHECK(ResourceVersionOf(*updated) != ResourceVersionOf(*got));
  // Writing what is already there changes nothing, not even the resourceVersion.
  absl::StatusOr<Object> same = client.Update(refs::Secrets(), ns, *updated);
  REQUIRE(same.ok());
  CHECK(ResourceVersionOf(*same) == ResourceVersionOf(*updated));

  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kMerge,
                       R"({"metadata":{"annotations":{"merged":"yes"}}})").ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kJson,
                       R"([{"op":"add","path":"/metadata/labels/patched","value":"json"}])").ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "a", PatchType::kStrategicMerge,
                       R"({"metadata":{"labels":{"strategic":"yes"}}})").ok());
  got = client.Get(refs::Secrets(), ns, "a");
  REQUIRE(got.ok());
  CHECK((*got)["metadata"]["annotations"]["merged"] == "yes");
  CHECK((*got)["metadata"]["labels"]["patched"] == "json");
  CHECK((*got)["metadata"]["labels"]["strategic"] == "yes");
  CHECK((*got)["metadata"]["labels"]["app"] == "x");
  CHECK(client.Patch(refs::Secrets(), ns, "missing", PatchType::kMerge, "{}").status().code() ==
        absl::StatusCode::kNotFound);

  // A delete whose precondition no longer holds is refused as a conflict.
  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "00000000-0000-0000-0000-000000000000";
  CHECK(client.Delete(refs::Secrets(), ns, "a", wrong_uid).code() == absl::StatusCode::kAborted);
  DeleteOptions stale_version;
  stale_version.precondition_resource_version = ResourceVersionOf(*created);
  CHECK(client.Delete(refs::Secrets(), ns, "a", stale_version).code() ==
        absl::StatusCode::kAborted);
  DeleteOptions right;
  right.precondition_uid = UidOf(*got);
  right.propagation_policy = "Background";
  REQUIRE(client.Delete(refs::Secrets(), ns, "a", right).ok());
  CHECK(client.Get(refs::Secrets(), ns, "a").status().code() == absl::StatusCode::kNotFound);
  CHECK(client.Delete(refs::Secrets(), ns, "a").code() == absl::StatusCode::kNotFound);
}

TEST_CASE("conformance: a stale resourceVersion is kAborted; an existing name kAlreadyExists") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-conflict");
  absl::StatusOr<Object> first = client.Create(refs::Secrets(), ns, Secret("s", "1"));
  REQUIRE(first.ok());
  absl::Status again = client.Create(refs::Secrets(), ns, Secret("s", "1")).status();
  CHECK(again.code() == absl::StatusCode::kAlreadyExists);
  CHECK(KubeReason(again) == "AlreadyExists");

  Object one = *first;
  one["data"]["value"] = "YQ==";
  REQUIRE(client.Update(refs::Secrets(), ns, one).ok());
  Object stale = *first;  // still carries the first resourceVersion
  stale["data"]["value"] = "Yg==";
  absl::Status conflict = client.Update(refs::Secrets(), ns, stale).status();
  CHECK(conflict.code() == absl::StatusCode::kAborted);
  CHECK(KubeReason(conflict) == "Conflict");
  CHECK(std::string(conflict.message()).find("the object has been modified") != std::string::npos);
  CHECK(client.Update(refs::Secrets(), ns, Secret("nobody", "x")).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("conformance: server-side apply creates, then changes nothing when applied again") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-apply");
  Object intent = {{"metadata", {{"name", "s"}, {"labels", {{"owner", "nauthera"}}}}},
                   {"stringData", {{"value", "1"}}}};
  absl::StatusOr<Object> first = Apply(client, refs::Secrets(), ns, intent, "nauthera");
  REQUIRE(first.ok());
  CHECK(DataValue(*first) == "MQ==");
  absl::StatusOr<Object> second = Apply(client, refs::Secrets(), ns, intent, "nauthera");
  REQUIRE(second.ok());
  CHECK(ResourceVersionOf(*second) == ResourceVersionOf(*first));
  intent["metadata"]["labels"]["tier"] = "auth";
  absl::StatusOr<Object> third = Apply(client, refs::Secrets(), ns, intent, "nauthera");
  REQUIRE(third.ok());
  CHECK(ResourceVersionOf(*third) != ResourceVersionOf(*first));
  CHECK((*third)["metadata"]["labels"]["tier"] == "auth");
}

TEST_CASE("conformance: an OidcClient's status is written through the status subresource") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-status");
  Object with_status = OidcClient("web");
  with_status["status"] = {{"clientId", "set-on-create"}};
  absl::StatusOr<Object> created = client.Create(refs::OidcClients(), ns, with_status);
  REQUIRE(created.ok());
  CHECK_FALSE(created->contains("status"));  // status is not written on create
  int64_t generation = (*created)["metadata"]["generation"].get<int64_t>();

  Object status_intent = {
      {"metadata", {{"name", "web"}}},
      {"status",
       {{"observedGeneration", generation},
        {"clientId", "0123456789abcdef0123456789abcdef"},
        {"conditions",
         {{{"type", "Ready"},
           {"status", "False"},
           {"reason", "NoPolicy"},
           {"message", "no AuthPolicy or ClusterAuthPolicy governs namespace kube-status"},
           {"lastTransitionTime", "2026-11-29T00:00:00Z"}}}}}}};
  absl::StatusOr<Object> applied =
      ApplyStatus(client, refs::OidcClients(), ns, status_intent, "nauthera-controller");
  REQUIRE(applied.ok());
  CHECK((*applied)["status"]["conditions"][0]["reason"] == "NoPolicy");
  CHECK((*applied)["metadata"]["generation"].get<int64_t>() == generation);
  absl::StatusOr<Object> again =
      ApplyStatus(client, refs::OidcClients(), ns, status_intent, "nauthera-controller");
  REQUIRE(again.ok());
  CHECK(ResourceVersionOf(*again) == ResourceVersionOf(*applied));

  // PUT /status writes status only: a spec change sent along is ignored.
  Object edited = *again;
  edited["spec"]["displayName"] = "changed through status";
  edited["status"]["clientId"] = "fedcba9876543210fedcba9876543210";
  REQUIRE(UpdateStatus(client, refs::OidcClients(), ns, edited).ok());
  absl::StatusOr<Object> now = client.Get(refs::OidcClients(), ns, "web");
  REQUIRE(now.ok());
  CHECK((*now)["spec"]["displayName"] == "Web");
  CHECK((*now)["status"]["clientId"] == "fedcba9876543210fedcba9876543210");
  CHECK((*now)["metadata"]["generation"].get<int64_t>() == generation);

  // And the main resource ignores status, while a spec change bumps the generation.
  Object spec_edit = *now;
  spec_edit["spec"]["displayName"] = "Web 2";
  spec_edit["status"]["clientId"] = "ignored";
  absl::StatusOr<Object> respecced = client.Update(refs::OidcClients(), ns, spec_edit);
  REQUIRE(respecced.ok());
  CHECK((*respecced)["status"]["clientId"] == "fedcba9876543210fedcba9876543210");
  CHECK((*respecced)["metadata"]["generation"].get<int64_t>() == generation + 1);
}

TEST_CASE("conformance: ListAll pages through a collection with limit/continue") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-paging");
  for (int i = 0; i < 5; ++i) {
    REQUIRE(client.Create(refs::Secrets(), ns, Secret(absl::StrCat("p", i), "x")).ok());
  }
  ListOptions page;
  page.limit = 2;
  absl::StatusOr<ObjectList> first = client.List(refs::Secrets(), ns, page);
  REQUIRE(first.ok());
  CHECK(first->items.size() == 2);
  CHECK(!first->continue_token.empty());
  absl::StatusOr<ObjectList> all = ListAll(client, refs::Secrets(), ns, page);
  REQUIRE(all.ok());
  CHECK(all->items.size() == 5);
  CHECK(all->continue_token.empty());
}

TEST_CASE("conformance: a watch from a list's version sees create, update, delete, bookmarks") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-watch");
  absl::StatusOr<ObjectList> list = client.List(refs::Secrets(), ns);
  REQUIRE(list.ok());
  WatchOptions options;
  options.resource_version = list->resource_version;
  options.timeout_seconds = 5;  // the server ends it, with a bookmark before the end
  WatchRecorder watch(client, ns, options);
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("w", "1")).ok());
  REQUIRE(client.Patch(refs::Secrets(), ns, "w", PatchType::kMerge,
                       R"({"stringData":{"value":"2"}})").ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "w").ok());
  CHECK(Eventually([&] { return watch.Saw("DELETED w"); }, absl::Seconds(5)));
  CHECK_FALSE(watch.done());  // events arrive as they happen, not when the stream ends
  // A write elsewhere moves the cluster's resourceVersion on; nothing reaches this watch but a
  // BOOKMARK saying how far it is. (The API server sends bookmarks only when it has a newer
  // version to tell.)
  absl::StatusOr<Object> elsewhere =
      client.Create(refs::Secrets(), Target().Namespace("kube-watch-elsewhere"), Secret("e", "1"));
  REQUIRE(elsewhere.ok());
  CHECK(Eventually([&] { return watch.done(); }, absl::Seconds(10)));
  std::vector<std::string> seen = watch.seen();
  CAPTURE(seen);
  CHECK(watch.ended().ok());  // the server ended it at timeoutSeconds
  REQUIRE(seen.size() >= 3);
  CHECK(std::vector<std::string>(seen.begin(), seen.begin() + 3) ==
        std::vector<std::string>{"ADDED w", "MODIFIED w", "DELETED w"});
  CHECK(std::count(seen.begin(), seen.end(), "BOOKMARK ") >= 1);
  CHECK(watch.bookmark_version() >= std::stoll(ResourceVersionOf(*elsewhere)));
}

TEST_CASE("conformance: a cancelled watch on a quiet collection returns at once") {
  std::string ns = Target().Namespace("kube-cancel");
  auto watch = std::make_unique<WatchRecorder>(Target().client(), ns, WatchOptions{});
  absl::SleepFor(absl::Milliseconds(500));
  absl::Time start = absl::Now();
  watch.reset();  // cancels and joins
  CHECK(absl::Now() - start < absl::Seconds(2));
}

TEST_CASE("conformance: a watch from an expired version is refused, and the informer relists "
          "without missing an update, a create or a delete made while it was away") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-expired");
  for (const char* name : {"x1", "x2", "x3"}) {
    REQUIRE(client.Create(refs::Secrets(), ns, Secret(name, "0")).ok());
  }
  PartitionableClient link(&client);
  KeyRecorder changes;
  Informer informer(&link, FastInformer(ns), std::ref(changes));
  informer.Start();
  REQUIRE(informer.WaitForSync(absl::Seconds(10)));
  REQUIRE(Eventually([&] { return CacheMatches(informer, client, ns); }, absl::Seconds(5)));
  std::string old_version = informer.resource_version();

  // While the informer is cut off: an update, a delete, a create; then every older version
  // is forgotten (etcd compaction + a restart for the real API server).
  link.Partition();
  changes.Clear();
  REQUIRE(client.Patch(refs::Secrets(), ns, "x1", PatchType::kMerge,
                       R"({"stringData":{"value":"1"}})").ok());
  REQUIRE(client.Delete(refs::Secrets(), ns, "x2").ok());
  REQUIRE(client.Create(refs::Secrets(), ns, Secret("x4", "0")).ok());
  Target().ExpireOldVersions();

  WatchOptions too_old;
  too_old.resource_version = old_version;
  absl::Status expired =
      client.Watch(refs::Secrets(), ns, too_old, [](const WatchEvent&) { return true; });
  CAPTURE(expired);
  CHECK(IsResourceExpired(expired));

  link.Heal();
  CHECK(Eventually([&] { return CacheMatches(informer, client, ns); }, absl::Seconds(15)));
  CHECK(changes.Saw(ns + "/x1"));
  CHECK(changes.Saw(ns + "/x2"));  // deleted while away: found by the relist
  CHECK(changes.Saw(ns + "/x4"));
  CHECK_FALSE(informer.Get(ns + "/x2").has_value());
  CHECK(informer.stats().expired >= 1);
  informer.Stop();
}

TEST_CASE("conformance: two candidates, one leader; a stopping leader hands over at once") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-election");
  Tenure tenure_a, tenure_b;
  auto a = LeaderElector::Create(&client, QuickElection(ns, "a"), tenure_a.Callbacks());
  auto b = LeaderElector::Create(&client, QuickElection(ns, "b"), tenure_b.Callbacks());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  (*a)->Start();
  REQUIRE(Eventually([&] { return (*a)->IsLeader(); }, absl::Seconds(5)));
  (*b)->Start();
  absl::SleepFor(absl::Seconds(1));  // several of b's attempts, all refused
  CHECK_FALSE((*b)->IsLeader());
  CHECK((*b)->observed_leader() == "a");
  absl::StatusOr<LeaseRecord> lease = GetLease(client, ns, "nauthera-controller");
  REQUIRE(lease.ok());
  CHECK(lease->holder_identity == "a");
  CHECK(lease->lease_duration_seconds == 3);

  absl::Time stop = absl::Now();
  (*a)->Stop();  // releases the Lease
  REQUIRE(Eventually([&] { return (*b)->IsLeader(); }, absl::Seconds(3)));
  CHECK(absl::Now() - stop < absl::Seconds(2));  // released: no waiting out the 3 s lease
  CHECK(tenure_a.stopped() <= tenure_b.started());
  lease = GetLease(client, ns, "nauthera-controller");
  REQUIRE(lease.ok());
  CHECK(lease->holder_identity == "b");
  CHECK(lease->lease_transitions >= 1);

  // A stale write to the Lease is refused: the resourceVersion guards it.
  LeaseRecord stale = *lease;
  stale.resource_version = "1";
  stale.holder_identity = "intruder";
  CHECK(UpdateLease(client, ns, "nauthera-controller", stale).status().code() ==
        absl::StatusCode::kAborted);
  (*b)->Stop();
}

TEST_CASE("conformance: a leader cut off from the API server steps down before another leads") {
  KubeClient& client = Target().client();
  std::string ns = Target().Namespace("kube-failover");
  PartitionableClient link_a(&client);
  Tenure tenure_a, tenure_b;
  auto a = LeaderElector::Create(&link_a, QuickElection(ns, "a"), tenure_a.Callbacks());
  auto b = LeaderElector::Create(&client, QuickElection(ns, "b"), tenure_b.Callbacks());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  (*a)->Start();
  REQUIRE(Eventually([&] { return (*a)->IsLeader(); }, absl::Seconds(5)));
  (*b)->Start();
  absl::SleepFor(absl::Milliseconds(800));
  link_a.Partition();  // a can no longer renew; nothing releases the Lease
  REQUIRE(Eventually([&] { return (*b)->IsLeader(); }, absl::Seconds(8)));
  CHECK_FALSE((*a)->IsLeader());
  // No overlap: a stopped (renew deadline, 2 s) before b started (lease duration, 3 s).
  CHECK(tenure_a.stopped() < tenure_b.started());
  (*a)->Stop();
  (*b)->Stop();
}

}  // namespace
}  // namespace nauthera::controller::kube::testing
