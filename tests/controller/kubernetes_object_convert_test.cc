// DecodeApiObject: objects as the Kubernetes API serves them become the same ApiObjects local
// mode decodes from manifests; what the server adds is dropped, and what Nauthera cannot use
// is a DecodeError naming the object (never a crash).
#include <catch2/catch.hpp>

#include "controller/kubernetes/object_convert.h"

namespace nauthera::controller {
namespace {

// An OidcClient the way the API server returns it: with uid, resourceVersion, generation,
// managedFields and a status.
kube::Object ServedOidcClient() {
  return kube::Object::parse(R"({
    "apiVersion": "auth.nauthera.io/v1alpha1", "kind": "OidcClient",
    "metadata": {"name": "web", "namespace": "apps", "uid": "u-1", "resourceVersion": "42",
                 "generation": 3, "creationTimestamp": "2026-11-29T10:00:00Z",
                 "labels": {"team": "a"}, "annotations": {"note": "x"},
                 "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
    "spec": {"redirectUris": ["https://web.example/cb"], "allowedScopes": ["openid", "email"],
             "grantTypes": ["authorization_code", "refresh_token"], "pkce": {"required": true},
             "authMethod": "none"},
    "status": {"observedGeneration": 2, "clientId": "abc",
               "conditions": [{"type": "Ready", "status": "True"}]}})");
}

TEST_CASE("kubernetes: a served OidcClient decodes; server fields are dropped") {
  DecodedFile decoded = DecodeApiObject(Kind::kOidcClient, ServedOidcClient());
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 1);
  const ApiObject& object = decoded.objects[0];
  CHECK(object.Key() == ObjectKey{Kind::kOidcClient, "apps", "web"});
  CHECK(object.meta.labels.at("team") == "a");
  CHECK(object.meta.annotations.at("note") == "x");
  CHECK(object.location.file == "OidcClient apps/web");
  CHECK(object.location.document == 0);
  const OidcClientSpec* spec = object.As<OidcClientSpec>();
  REQUIRE(spec != nullptr);
  CHECK(spec->redirect_uris == StringList{"https://web.example/cb"});
  CHECK(spec->grant_types == StringList{"authorization_code", "refresh_token"});
  CHECK(spec->pkce_required);
  CHECK(spec->auth_method == "none");
}

TEST_CASE("kubernetes: a field Nauthera does not know is an error naming the object") {
  kube::Object served = ServedOidcClient();
  served["spec"]["frobnicate"] = true;
  DecodedFile decoded = DecodeApiObject(Kind::kOidcClient, served);
  CHECK(decoded.objects.empty());
  REQUIRE(decoded.errors.size() == 1);
  REQUIRE(decoded.errors[0].key.has_value());
  CHECK(*decoded.errors[0].key == ObjectKey{Kind::kOidcClient, "apps", "web"});
  CHECK(decoded.errors[0].message.find("frobnicate") != std::string::npos);
  CHECK(decoded.errors[0].location.file == "OidcClient apps/web");
}

TEST_CASE("kubernetes: a spec of the wrong shape is an error, not a crash") {
  kube::Object served = ServedOidcClient();
  served["spec"]["redirectUris"] = 7;
  DecodedFile decoded = DecodeApiObject(Kind::kOidcClient, served);
  CHECK(decoded.objects.empty());
  REQUIRE(decoded.errors.size() == 1);
  CHECK(decoded.errors[0].message.find("redirectUris") != std::string::npos);
  // No metadata at all: still an error (no name), never an exception.
  DecodedFile nameless = DecodeApiObject(Kind::kOidcClient, kube::Object::object());
  CHECK(nameless.objects.empty());
  CHECK_FALSE(nameless.errors.empty());
}

TEST_CASE("kubernetes: cluster-scoped objects, Namespaces and Secrets") {
  kube::Object policy = kube::Object::parse(R"({
    "metadata": {"name": "default", "uid": "u-2", "resourceVersion": "7"},
    "spec": {"allowedScopes": ["openid"]}, "status": {"governedClients": 4}})");
  CHECK(ApiLocation(Kind::kClusterAuthPolicy, policy) == "ClusterAuthPolicy default");
  DecodedFile decoded = DecodeApiObject(Kind::kClusterAuthPolicy, policy);
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 1);
  CHECK(decoded.objects[0].Key() == ObjectKey{Kind::kClusterAuthPolicy, "", "default"});

  // A Namespace: only its labels matter (spec.finalizers and status are dropped).
  kube::Object ns = kube::Object::parse(R"({
    "metadata": {"name": "ci-cd", "labels": {"nauthera.io/ci": "true"}},
    "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})");
  decoded = DecodeApiObject(Kind::kNamespace, ns);
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 1);
  CHECK(decoded.objects[0].meta.labels.at("nauthera.io/ci") == "true");

  // A Secret: data is base64 on the wire; the decoded value is what the user stored.
  kube::Object secret = kube::Object::parse(R"({
    "metadata": {"name": "alice-password", "namespace": "nauthera-system", "uid": "u-3"},
    "type": "Opaque", "data": {"password": "JGFyZ29uMmlkJHg="}})");
  decoded = DecodeApiObject(Kind::kSecret, secret);
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 1);
  const SecretSpec* data = decoded.objects[0].As<SecretSpec>();
  REQUIRE(data != nullptr);
  CHECK(data->data.at("password") == "$argon2id$x");
}

}  // namespace
}  // namespace nauthera::controller
