// KubernetesSource on the fake API server: the password Secrets NautheraUsers name are watched
// and part of the very first build (a user is never built without its hash, and the first
// build is never empty), a changed hash is seen, and a namespaced install watches them only
// in its namespaces.
#include <catch2/catch.hpp>

#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_source.h"
#include "tests/kubeclient/fake_kube_client.h"
#include "tests/kubeclient/kube_test_helpers.h"

namespace nauthera::controller {
namespace {

using kube::testing::Eventually;
using kube::testing::FakeKubeClient;

kube::Object User(const std::string& name, const std::string& secret_ns) {
  return {{"apiVersion", "auth.nauthera.io/v1alpha1"},
          {"kind", "NautheraUser"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"username", name},
            {"passwordSecretRef", {{"name", name + "-password"}, {"namespace", secret_ns}}}}}};
}

kube::Object PasswordSecret(const std::string& name, const std::string& hash) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name + "-password"}}},
          {"stringData", {{"password", hash}}}};
}

// The hash the source holds for `name`'s Secret in `ns`, or "" when it holds none.
std::string HashIn(const SourceState& state, const std::string& ns, const std::string& name) {
  for (const ApiObject& object : state.objects) {
    if (object.Key() == ObjectKey{Kind::kSecret, ns, name + "-password"}) {
      auto it = object.As<SecretSpec>()->data.find("password");
      return it == object.As<SecretSpec>()->data.end() ? "" : it->second;
    }
  }
  return "";
}

// Refreshes until a build happens (at most 5 s).
bool Built(KubernetesSource& source) {
  return Eventually([&] { return source.Synced() && source.Refresh(); }, absl::Seconds(5));
}

TEST_CASE("kubernetes: a user's password Secret is in the first build, and watched") {
  FakeKubeClient client;
  REQUIRE(client.Create(kube::refs::NautheraUsers(), "", User("alice", "nauthera-system")).ok());
  REQUIRE(client.Create(kube::refs::Secrets(), "nauthera-system",
                        PasswordSecret("alice", "$argon2id$first")).ok());
  KubernetesSource source(&client, {});
  // Before the first build nothing is known, and it does not look like an empty cluster.
  CHECK_FALSE(source.Current().complete);
  // The very first build (the caller reconciles it, whatever Refresh says) has the user and
  // the hash of its Secret, though the Secret's watch starts only once the user is known.
  REQUIRE(Eventually([&] { return source.Synced(); }, absl::Seconds(5)));
  CHECK(source.Refresh());
  CHECK(source.Current().complete);
  CHECK(HashIn(source.Current(), "nauthera-system", "alice") == "$argon2id$first");

  // A new hash in the Secret reaches the next build.
  absl::StatusOr<kube::Object> secret =
      client.Get(kube::refs::Secrets(), "nauthera-system", "alice-password");
  REQUIRE(secret.ok());
  (*secret)["stringData"] = {{"password", "$argon2id$second"}};
  REQUIRE(client.Update(kube::refs::Secrets(), "nauthera-system", *secret).ok());
  REQUIRE(Eventually(
      [&] {
        source.Refresh();
        return HashIn(source.Current(), "nauthera-system", "alice") == "$argon2id$second";
      },
      absl::Seconds(5)));
}

TEST_CASE("kubernetes: a namespaced install reads password Secrets only in its namespaces") {
  FakeKubeClient client;
  REQUIRE(client.Create(kube::refs::NautheraUsers(), "", User("in-team", "team-a")).ok());
  REQUIRE(client.Create(kube::refs::NautheraUsers(), "", User("in-own", "nauthera")).ok());
  REQUIRE(client.Create(kube::refs::NautheraUsers(), "", User("elsewhere", "other")).ok());
  for (const char* ns : {"team-a", "nauthera", "other"}) {
    std::string user = std::string(ns) == "team-a"     ? "in-team"
                       : std::string(ns) == "nauthera" ? "in-own"
                                                       : "elsewhere";
    REQUIRE(client.Create(kube::refs::Secrets(), ns, PasswordSecret(user, "$argon2id$h")).ok());
  }
  KubernetesSource::Options options;
  options.watch_namespace = "team-a";
  options.own_namespace = "nauthera";
  KubernetesSource source(&client, options);
  REQUIRE(Built(source));
  CHECK(HashIn(source.Current(), "team-a", "in-team") == "$argon2id$h");
  CHECK(HashIn(source.Current(), "nauthera", "in-own") == "$argon2id$h");
  CHECK(HashIn(source.Current(), "other", "elsewhere").empty());
  CHECK_FALSE(source.Raw(ObjectKey{Kind::kSecret, "other", "elsewhere-password"}).has_value());
}

}  // namespace
}  // namespace nauthera::controller
