// StatusWriter and DesiredStatus on the fake API server (tests/kubeclient/fake_kube_client.h): the
// shape of .status, observedGeneration, lastTransitionTime kept until Ready flips, only changed
// statuses written, and a namespaced install writing only its namespace's objects.
#include <catch2/catch.hpp>

#include "absl/time/clock.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_source.h"
#include "controller/kubernetes/status_writer.h"
#include "tests/kubeclient/fake_kube_client.h"
#include "tests/kubeclient/kube_test_helpers.h"

namespace nauthera::controller {
namespace {

using kube::testing::Eventually;
using kube::testing::FakeKubeClient;

kube::Object Client(const std::string& name, const std::string& scope = "openid") {
  return {{"apiVersion", "auth.nauthera.io/v1alpha1"},
          {"kind", "OidcClient"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"redirectUris", {"https://web.example/cb"}},
            {"allowedScopes", {scope}},
            {"grantTypes", {"authorization_code"}}}}};
}

ObjectStatus Row(const std::string& kind, const std::string& ns, const std::string& name,
                 bool ready, const std::string& reason, const std::string& message) {
  ObjectStatus row;
  row.kind = kind;
  row.ns = ns;
  row.name = name;
  row.ready = ready;
  row.reason = reason;
  row.message = message;
  return row;
}

// The source's cache holds the object's current resourceVersion.
bool CacheHasVersion(const KubernetesSource& source, const ObjectKey& key,
                     const std::string& version) {
  std::optional<kube::Object> raw = source.Raw(key);
  return raw && kube::ResourceVersionOf(*raw) == version;
}

TEST_CASE("kubernetes: DesiredStatus has the CRDs' shape and keeps lastTransitionTime") {
  kube::Object current = {{"metadata", {{"name", "web"}, {"generation", 4}}}};
  ObjectStatus row = Row("OidcClient", "apps", "web", false, "PolicyViolation",
                         "scope audit is not allowed");
  row.client_id = "0123";
  absl::Time t1 = absl::FromUnixSeconds(1800000000);
  kube::Object status = DesiredStatus(row, current, t1);
  CHECK(status["observedGeneration"] == 4);
  CHECK(status["clientId"] == "0123");
  CHECK(status["credentialsSecretRef"]["name"] == "web-credentials");
  REQUIRE(status["conditions"].size() == 1);
  const kube::Object& ready = status["conditions"][0];
  CHECK(ready["type"] == "Ready");
  CHECK(ready["status"] == "False");
  CHECK(ready["reason"] == "PolicyViolation");
  CHECK(ready["message"] == "scope audit is not allowed");
  CHECK(ready["observedGeneration"] == 4);
  CHECK(ready["lastTransitionTime"] == "2027-01-15T08:00:00Z");

  // Same Ready status later: the transition time stays; flipped: it moves.
  current["status"] = status;
  absl::Time t2 = t1 + absl::Hours(1);
  CHECK(DesiredStatus(row, current, t2)["conditions"][0]["lastTransitionTime"] ==
        "2027-01-15T08:00:00Z");
  row.ready = true;
  CHECK(DesiredStatus(row, current, t2)["conditions"][0]["lastTransitionTime"] ==
        "2027-01-15T09:00:00Z");

  // Policies count what they govern; no client fields.
  ObjectStatus policy = Row("ClusterAuthPolicy", "", "default", true, "Ready", "");
  policy.governs = 3;
  kube::Object policy_status = DesiredStatus(policy, {{"metadata", {{"generation", 1}}}}, t1);
  CHECK(policy_status["governedClients"] == 3);
  CHECK_FALSE(policy_status.contains("credentialsSecretRef"));
  // An empty message falls back to the reason.
  CHECK(policy_status["conditions"][0]["message"] == "Ready");
}

TEST_CASE("kubernetes: DesiredStatus reads a status of the wrong shape as no status") {
  // Status is written by anyone with access to the subresource: a condition that is not an
  // object, a generation that is a string or a status that is a list must not throw.
  ObjectStatus row = Row("OidcClient", "apps", "web", true, "Ready", "");
  absl::Time t1 = absl::FromUnixSeconds(1800000000);
  const char* currents[] = {
      R"({"metadata":{"generation":"4"},"status":{"conditions":["Ready",7,null]}})",
      R"({"metadata":"web","status":[1]})",
      R"({"metadata":{"generation":2},"status":{"conditions":[{"type":1,"status":true,"lastTransitionTime":5}]}})",
      R"([])",
  };
  for (const char* text : currents) {
    CAPTURE(text);
    kube::Object status = DesiredStatus(row, kube::Object::parse(text), t1);
    CHECK(status["conditions"][0]["lastTransitionTime"] == "2027-01-15T08:00:00Z");
  }
}

TEST_CASE("kubernetes: StatusWriter writes only statuses that changed, with observedGeneration") {
  FakeKubeClient client;
  absl::StatusOr<kube::Object> created =
      client.Create(kube::refs::OidcClients(), "apps", Client("web"));
  REQUIRE(created.ok());
  REQUIRE(client.Create(kube::refs::OidcClients(), "apps", Client("other")).ok());
  KubernetesSource source(&client, {});
  REQUIRE(Eventually([&] { return source.Synced(); }, absl::Seconds(5)));
  StatusWriter writer(&client, &source);
  ObjectKey web{Kind::kOidcClient, "apps", "web"};

  std::vector<ObjectStatus> rows = {Row("OidcClient", "apps", "web", true, "Ready", "ok")};
  REQUIRE(writer.Write(rows).ok());
  CHECK(writer.writes() == 1);
  absl::StatusOr<kube::Object> served = client.Get(kube::refs::OidcClients(), "apps", "web");
  REQUIRE(served.ok());
  CHECK((*served)["status"]["observedGeneration"] == 1);
  CHECK((*served)["status"]["conditions"][0]["status"] == "True");
  // The object without a row is untouched.
  absl::StatusOr<kube::Object> other = client.Get(kube::refs::OidcClients(), "apps", "other");
  REQUIRE(other.ok());
  CHECK_FALSE(other->contains("status"));

  // The same rows once the watch has brought our write back: nothing to write.
  REQUIRE(Eventually([&] { return CacheHasVersion(source, web, kube::ResourceVersionOf(*served)); },
                     absl::Seconds(5)));
  REQUIRE(writer.Write(rows).ok());
  REQUIRE(writer.Write(rows).ok());
  CHECK(writer.writes() == 1);
  CHECK(kube::ResourceVersionOf(*client.Get(kube::refs::OidcClients(), "apps", "web")) ==
        kube::ResourceVersionOf(*served));

  // A spec change (generation 2): the status follows it.
  kube::Object changed = *served;
  changed["spec"]["allowedScopes"] = {"openid", "email"};
  absl::StatusOr<kube::Object> updated = client.Update(kube::refs::OidcClients(), "apps", changed);
  REQUIRE(updated.ok());
  CHECK((*updated)["metadata"]["generation"] == 2);
  REQUIRE(Eventually([&] { return CacheHasVersion(source, web, kube::ResourceVersionOf(*updated)); },
                     absl::Seconds(5)));
  REQUIRE(writer.Write(rows).ok());
  CHECK(writer.writes() == 2);
  served = client.Get(kube::refs::OidcClients(), "apps", "web");
  CHECK((*served)["status"]["observedGeneration"] == 2);
  CHECK((*served)["status"]["conditions"][0]["observedGeneration"] == 2);

  // A row for an object that does not exist is skipped, not an error.
  REQUIRE(writer.Write({Row("OidcClient", "apps", "gone", true, "Ready", "")}).ok());
  CHECK(writer.writes() == 2);
}

TEST_CASE("kubernetes: a namespaced StatusWriter writes only its namespace's objects") {
  FakeKubeClient client;
  REQUIRE(client.Create(kube::refs::OidcClients(), "team-a", Client("in")).ok());
  REQUIRE(client.Create(kube::refs::OidcClients(), "apps", Client("out")).ok());
  kube::Object policy = {{"apiVersion", "auth.nauthera.io/v1alpha1"},
                         {"kind", "ClusterAuthPolicy"},
                         {"metadata", {{"name", "default"}}},
                         {"spec", {{"allowedScopes", {"openid"}}}}};
  REQUIRE(client.Create(kube::refs::ClusterAuthPolicies(), "", policy).ok());
  KubernetesSource::Options options;
  options.watch_namespace = "team-a";
  KubernetesSource source(&client, options);
  REQUIRE(Eventually([&] { return source.Synced(); }, absl::Seconds(5)));
  StatusWriter writer(&client, &source, "team-a");
  ObjectStatus cluster_row = Row("ClusterAuthPolicy", "", "default", true, "Ready", "");
  cluster_row.governs = 1;
  REQUIRE(writer.Write({Row("OidcClient", "team-a", "in", true, "Ready", ""),
                        Row("OidcClient", "apps", "out", true, "Ready", ""), cluster_row})
              .ok());
  CHECK(writer.writes() == 1);
  CHECK(client.Get(kube::refs::OidcClients(), "team-a", "in")->contains("status"));
  CHECK_FALSE(client.Get(kube::refs::OidcClients(), "apps", "out")->contains("status"));
  CHECK_FALSE(client.Get(kube::refs::ClusterAuthPolicies(), "", "default")->contains("status"));
}

}  // namespace
}  // namespace nauthera::controller
