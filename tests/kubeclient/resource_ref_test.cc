#include <catch2/catch.hpp>

#include <string>

#include "controller/kubeclient/resource_ref.h"

namespace nauthera::controller::kube {
namespace {

TEST_CASE("object paths follow the API's resource URIs for core, named groups and scopes") {
  CHECK(*ObjectPath(refs::Secrets(), "team-a", "web-credentials") ==
        "/api/v1/namespaces/team-a/secrets/web-credentials");
  CHECK(*ObjectPath(refs::OidcClients(), "team-a", "web", "status") ==
        "/apis/auth.nauthera.io/v1alpha1/namespaces/team-a/oidcclients/web/status");
  CHECK(*ObjectPath(refs::ClusterAuthPolicies(), "", "default") ==
        "/apis/auth.nauthera.io/v1alpha1/clusterauthpolicies/default");
  CHECK(*ObjectPath(refs::Namespaces(), "", "team-a") == "/api/v1/namespaces/team-a");
  CHECK(*ObjectPath(refs::Leases(), "nauthera-system", "nauthera-controller") ==
        "/apis/coordination.k8s.io/v1/namespaces/nauthera-system/leases/nauthera-controller");
  CHECK(*ObjectPath(refs::Events(), "a", "x.1") == "/apis/events.k8s.io/v1/namespaces/a/events/x.1");
  CHECK(*ObjectPath(refs::CoreEvents(), "a", "x.1") == "/api/v1/namespaces/a/events/x.1");
  CHECK(*ObjectPath(refs::NautheraUsers(), "", "alice") ==
        "/apis/auth.nauthera.io/v1alpha1/nautherausers/alice");
  CHECK(*ObjectPath(refs::NautheraServiceAccounts(), "ci", "deploy") ==
        "/apis/auth.nauthera.io/v1alpha1/namespaces/ci/nautheraserviceaccounts/deploy");
  CHECK(*ObjectPath(refs::AuthPolicies(), "ci", "p") ==
        "/apis/auth.nauthera.io/v1alpha1/namespaces/ci/authpolicies/p");
}

TEST_CASE("collection paths: one namespace, all namespaces, cluster-scoped") {
  CHECK(*CollectionPath(refs::Secrets(), "a") == "/api/v1/namespaces/a/secrets");
  CHECK(*CollectionPath(refs::Secrets(), "") == "/api/v1/secrets");
  CHECK(*CollectionPath(refs::OidcClients(), "") == "/apis/auth.nauthera.io/v1alpha1/oidcclients");
  CHECK(*CollectionPath(refs::ClusterAuthPolicies(), "ignored") ==
        "/apis/auth.nauthera.io/v1alpha1/clusterauthpolicies");
}

TEST_CASE("a name that is not one path segment is refused before any request") {
  auto [ns, name, sub] = GENERATE(table<std::string, std::string, std::string>({
      {"a", "", ""},
      {"a", "x/y", ""},
      {"a", "..", ""},
      {"a", ".", ""},
      {"a", "x?watch=1", ""},
      {"a", "x%2Fy", ""},
      {"a", "x y", ""},
      {"a/b", "x", ""},
      {"", "x", ""},  // secrets are namespaced
      {"a", "x", "status/../.."},
  }));
  CAPTURE(ns, name, sub);
  CHECK(ObjectPath(refs::Secrets(), ns, name, sub).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a cluster-scoped object with a namespace is refused") {
  CHECK_FALSE(ObjectPath(refs::ClusterAuthPolicies(), "a", "x").ok());
}

TEST_CASE("queries percent-encode selectors and leave out empty values") {
  CHECK(BuildQuery({}) == "");
  CHECK(BuildQuery({{"a", ""}}) == "");
  CHECK(BuildQuery({{"labelSelector", "app=web,tier!=db"}, {"continue", ""}, {"limit", "5"}}) ==
        "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=5");
  CHECK(BuildQuery({{"fieldSelector", "metadata.name=a b"}}) ==
        "?fieldSelector=metadata.name%3Da%20b");
}

TEST_CASE("API versions and keys") {
  CHECK(refs::Secrets().ApiVersion() == "v1");
  CHECK(refs::OidcClients().ApiVersion() == "auth.nauthera.io/v1alpha1");
  CHECK(refs::Leases().ApiVersion() == "coordination.k8s.io/v1");
  CHECK(ObjectKeyOf("a", "b") == "a/b");
  CHECK(ObjectKeyOf("", "b") == "b");
}

}  // namespace
}  // namespace nauthera::controller::kube
