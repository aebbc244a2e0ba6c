#include <catch2/catch.hpp>

#include "controller/api/decode.h"

namespace nauthera::controller {
namespace {

constexpr char kFile[] = "manifests/app.yaml";

const DecodeError& OnlyError(const DecodedFile& decoded) {
  REQUIRE(decoded.errors.size() == 1);
  return decoded.errors[0];
}

TEST_CASE("decoding reads the guide's objects with every field", "[decode]") {
  DecodedFile decoded = DecodeManifests(R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata:
  name: kubectl
  namespace: nauthera-system
spec:
  displayName: kubectl
  redirectUris: ["http://localhost:8000", "http://localhost:18000"]
  allowedScopes: [openid, profile, email, groups]
  grantTypes: [authorization_code, refresh_token]
  pkce:
    required: true
  authMethod: none
  postLogoutRedirectUris: ["http://localhost:8000/bye"]
  consent: skip
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: ci-deployer, namespace: ci-cd}
spec:
  displayName: CI Deployer
  allowedScopes: [openid, email, groups]
  groups: [ci]
---
---
apiVersion: auth.nauthera.io/v1alpha1
kind: ClusterAuthPolicy
metadata: {name: default}
spec:
  namespaceSelector:
    matchLabels: {team: ci}
    matchExpressions:
      - {key: env, operator: In, values: [prod]}
  allowedScopes: [openid]
  allowedGrantTypes: [client_credentials]
  allowedAuthMethods: [client_secret_basic]
  requirePKCE: true
  accessTokenTTL: 10m
  idTokenTTL: 1h30m
  refreshTokenTTL: 24h
  audiences: [kubernetes]
  audienceClients: [{name: kubectl, namespace: nauthera-system}]
  scopeClaims:
    email: [email]
---
apiVersion: auth.nauthera.io/v1alpha1
kind: AuthPolicy
metadata: {name: empty, namespace: ci-cd}
spec:
  allowedScopes: []
---
apiVersion: v1
kind: Namespace
metadata:
  name: ci-cd
  labels: {team: ci}
)",
                                        kFile);
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 5);
  CHECK(decoded.parsed);
  CHECK(decoded.identified_all);

  const ApiObject& client = decoded.objects[0];
  CHECK(client.Key() == ObjectKey{Kind::kOidcClient, "nauthera-system", "kubectl"});
  CHECK(client.location.document == 1);
  const auto* spec = client.As<OidcClientSpec>();
  REQUIRE(spec != nullptr);
  CHECK(spec->redirect_uris == StringList{"http://localhost:8000", "http://localhost:18000"});
  CHECK(spec->grant_types == StringList{"authorization_code", "refresh_token"});
  CHECK(spec->pkce_required);
  CHECK(spec->auth_method == "none");
  CHECK(spec->post_logout_redirect_uris == StringList{"http://localhost:8000/bye"});
  CHECK(spec->consent == "skip");

  const auto* sa = decoded.objects[1].As<ServiceAccountSpec>();
  REQUIRE(sa != nullptr);
  CHECK(sa->display_name == "CI Deployer");
  CHECK(sa->groups == StringList{"ci"});

  const ApiObject& cluster = decoded.objects[2];
  CHECK(cluster.location.document == 4);  // the empty document is counted, and skipped
  const auto* cap = cluster.As<ClusterAuthPolicySpec>();
  REQUIRE(cap != nullptr);
  REQUIRE(cap->namespace_selector.has_value());
  CHECK(cap->namespace_selector->match_labels == Labels{{"team", "ci"}});
  REQUIRE(cap->namespace_selector->match_expressions.size() == 1);
  CHECK(cap->policy.access_token_ttl_seconds == 600);
  CHECK(cap->policy.id_token_ttl_seconds == 5400);
  CHECK(cap->policy.refresh_token_ttl_seconds == 86400);
  CHECK(cap->policy.require_pkce == true);
  CHECK(cap->policy.audiences == StringList{"kubernetes"});
  REQUIRE(cap->policy.audience_clients.has_value());
  CHECK(*cap->policy.audience_clients ==
        std::vector<ClientRef>{ClientRef{"nauthera-system", "kubectl"}});
  CHECK(cap->policy.scope_claims->at("email") == StringList{"email"});

  const auto* empty = decoded.objects[3].As<AuthPolicySpec>();
  REQUIRE(empty != nullptr);
  REQUIRE(empty->policy.allowed_scopes.has_value());  // present and empty: allows nothing
  CHECK(empty->policy.allowed_scopes->empty());
  CHECK_FALSE(empty->policy.allowed_grant_types.has_value());  // absent: does not constrain

  CHECK(decoded.objects[4].meta.labels == Labels{{"team", "ci"}});
}

TEST_CASE("decoding applies the API's defaults", "[decode]") {
  DecodedFile decoded = DecodeManifests(R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: OidcClient
metadata: {name: web, namespace: apps}
spec:
  redirectUris: ["https://app.example.com/cb"]
)",
                                        kFile);
  REQUIRE(decoded.errors.empty());
  const auto* spec = decoded.objects.at(0).As<OidcClientSpec>();
  CHECK(spec->auth_method == "client_secret_basic");
  CHECK(spec->grant_types == StringList{"authorization_code"});  // RFC 7591 §2
  CHECK_FALSE(spec->pkce_required);
  CHECK(spec->consent == "required");  // OIDC Core §3.1.2.4: ask unless told otherwise
}

// Each case: a document, the object the error must name ("" = unidentifiable), and the texts
// the message must contain (the field path and what to do).
TEST_CASE("decoding names the file, document, object and field of every error", "[decode]") {
  auto [name, document, object, must_contain] =
      GENERATE(table<std::string, std::string, std::string, std::vector<std::string>>({
          {"unknown spec field",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  allowedScope: [openid]\n",
           "NautheraServiceAccount ci-cd/ci",
           {"spec.allowedScope", "unknown field", "allowedScopes"}},
          {"unknown top-level field",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\n"
           "metadata: {name: p}\nspecs: {}\n",
           "ClusterAuthPolicy p", {"specs", "unknown field"}},
          {"wrong type: number for a string",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  displayName: 42\n",
           "NautheraServiceAccount ci-cd/ci", {"spec.displayName", "must be a string", "quotes"}},
          {"wrong type: string for a list",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  groups: ci\n",
           "NautheraServiceAccount ci-cd/ci", {"spec.groups", "list of strings"}},
          {"wrong type: quoted boolean",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\n"
           "metadata: {name: p}\nspec:\n  requirePKCE: \"yes\"\n",
           "ClusterAuthPolicy p", {"spec.requirePKCE", "true or false"}},
          {"bad enum: auth method",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClient\n"
           "metadata: {name: app, namespace: apps}\nspec:\n  authMethod: private_key_jwt\n",
           "OidcClient apps/app", {"spec.authMethod", "private_key_jwt", "client_secret_post"}},
          {"bad enum: consent",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClient\n"
           "metadata: {name: app, namespace: apps}\nspec:\n  consent: never\n",
           "OidcClient apps/app", {"spec.consent", "\"never\" is not supported", "skipAll"}},
          {"bad enum: policy grant type",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: AuthPolicy\n"
           "metadata: {name: p, namespace: apps}\nspec:\n  allowedGrantTypes: [password]\n",
           "AuthPolicy apps/p", {"spec.allowedGrantTypes[0]", "\"password\" is not supported"}},
          {"audienceClients item without a namespace",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\nmetadata: {name: p}\n"
           "spec:\n  audienceClients: [{name: kubectl}]\n",
           "ClusterAuthPolicy p", {"spec.audienceClients[0].namespace"}},
          {"audienceClients item with an unknown field",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: AuthPolicy\nmetadata: {name: p, namespace: a}\n"
           "spec:\n  audienceClients: [{name: kubectl, namespace: x, kind: OidcClient}]\n",
           "AuthPolicy a/p", {"spec.audienceClients[0].kind", "unknown field"}},
          {"audienceClients listed twice",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\nmetadata: {name: p}\n"
           "spec:\n  audienceClients: [{name: k, namespace: x}, {name: k, namespace: x}]\n",
           "ClusterAuthPolicy p", {"spec.audienceClients[1]", "x/k is listed twice"}},
          {"bad enum: selector operator",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\nmetadata: {name: p}\n"
           "spec:\n  namespaceSelector:\n    matchExpressions: [{key: a, operator: Like}]\n",
           "ClusterAuthPolicy p", {"spec.namespaceSelector.matchExpressions[0].operator", "Like"}},
          {"selector In without values",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\nmetadata: {name: p}\n"
           "spec:\n  namespaceSelector:\n    matchExpressions: [{key: a, operator: In}]\n",
           "ClusterAuthPolicy p", {"matchExpressions[0].values", "at least one value"}},
          {"bad duration",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\n"
           "metadata: {name: p}\nspec:\n  accessTokenTTL: 15 minutes\n",
           "ClusterAuthPolicy p", {"spec.accessTokenTTL", "not a duration", "15m"}},
          {"duplicated list item",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  allowedScopes: [openid, openid]\n",
           "NautheraServiceAccount ci-cd/ci", {"spec.allowedScopes[1]", "listed twice"}},
          {"invalid scope token",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  allowedScopes: [\"a b\"]\n",
           "NautheraServiceAccount ci-cd/ci", {"spec.allowedScopes[0]", "RFC 6749"}},
          {"missing name",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {namespace: ci-cd}\nspec: {}\n",
           "", {"metadata.name", "is required"}},
          {"name that is not a DNS name",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ../etc, namespace: ci-cd}\n",
           "", {"metadata.name", "not a valid name"}},
          {"namespaced kind without namespace",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClient\nmetadata: {name: app}\n"
           "spec: {redirectUris: [\"https://a.example/cb\"]}\n",
           "", {"metadata.namespace", "is required", "namespaced"}},
          {"cluster-scoped kind with namespace",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\n"
           "metadata: {name: p, namespace: x}\n",
           "ClusterAuthPolicy p", {"metadata.namespace", "cluster-scoped"}},
          {"unknown kind",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClients\nmetadata: {name: a}\n",
           "", {"kind", "OidcClients", "not a kind"}},
          {"unknown apiVersion",
           "apiVersion: auth.nauthera.io/v1\nkind: OidcClient\n"
           "metadata: {name: app, namespace: apps}\n",
           "OidcClient apps/app", {"apiVersion", "auth.nauthera.io/v1alpha1"}},
          {"OidcClient without spec",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClient\n"
           "metadata: {name: app, namespace: apps}\n",
           "OidcClient apps/app", {"spec", "is required"}},
          {"field set twice",
           "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
           "metadata: {name: ci, namespace: ci-cd}\nspec:\n  groups: [a]\n  groups: [b]\n",
           "NautheraServiceAccount ci-cd/ci", {"spec.groups", "set twice"}},
          {"document that is not a mapping", "- just\n- a list\n", "", {"not a mapping"}},
      }));
  CAPTURE(name);
  DecodedFile decoded = DecodeManifests(document, kFile);
  const DecodeError& error = OnlyError(decoded);
  CAPTURE(error.ToString());
  CHECK(decoded.objects.empty());
  CHECK(error.location.file == kFile);
  CHECK(error.location.document == 1);
  CHECK_FALSE(error.warning);
  if (object.empty()) {
    CHECK_FALSE(error.key.has_value());
    CHECK_FALSE(decoded.identified_all);
  } else {
    REQUIRE(error.key.has_value());
    CHECK(error.key->ToString() == object);
    CHECK(decoded.identified_all);
  }
  std::string text = error.ToString();
  CHECK(text.find("manifests/app.yaml, document 1") != std::string::npos);
  for (const std::string& part : must_contain) {
    CAPTURE(part);
    CHECK(text.find(part) != std::string::npos);
  }
}

TEST_CASE("plain scalars that YAML reads as numbers or booleans are not strings", "[decode]") {
  auto [value, is_string] = GENERATE(table<std::string, bool>({
      {"42", false}, {"-7", false}, {"0x1F", false}, {"0o17", false}, {"1.5", false},
      {".5", false}, {"1e3", false}, {"2.5E-3", false}, {".inf", false}, {"-.Inf", false},
      {".nan", false}, {"true", false}, {"False", false}, {"\"42\"", true}, {"'true'", true},
      {"1.2.3", true}, {"0x", true}, {"1e", true}, {"v1", true}, {"yes", true},
      {"15m", true}, {".", true},
  }));
  CAPTURE(value);
  DecodedFile decoded = DecodeManifests(
      "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\n"
      "metadata: {name: ci, namespace: ci-cd}\nspec:\n  displayName: " + value + "\n",
      kFile);
  CHECK(decoded.errors.empty() == is_string);
}

TEST_CASE("decoding invalid YAML reports the file and line and marks it unparsed", "[decode]") {
  DecodedFile decoded = DecodeManifests("kind: OidcClient\nmetadata: {name: [\n", kFile);
  CHECK_FALSE(decoded.parsed);
  const DecodeError& error = OnlyError(decoded);
  CHECK(error.location.document == 0);
  CHECK(error.ToString().find("manifests/app.yaml: not valid YAML at line") != std::string::npos);
}

TEST_CASE("decoding keeps the good documents beside a bad one", "[decode]") {
  DecodedFile decoded = DecodeManifests(R"(
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: broken, namespace: ci-cd}
spec: {groups: 7}
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraServiceAccount
metadata: {name: fine, namespace: ci-cd}
)",
                                        kFile);
  REQUIRE(decoded.objects.size() == 1);
  CHECK(decoded.objects[0].meta.name == "fine");
  CHECK(decoded.objects[0].location.document == 2);
  CHECK(OnlyError(decoded).key->name == "broken");
}

TEST_CASE("decoding reads a NautheraUser and the Secret holding its hash", "[decode]") {
  DecodedFile decoded = DecodeManifests(R"(
apiVersion: v1
kind: Secret
metadata: {name: alice-password, namespace: nauthera-system}
type: Opaque
data: {password: JGFyZ29uMmlkJHg=}
stringData: {other: plain}
---
apiVersion: auth.nauthera.io/v1alpha1
kind: NautheraUser
metadata: {name: alice}
spec:
  username: alice
  email: alice@example.com
  groups: [developers]
  passwordSecretRef: {name: alice-password, namespace: nauthera-system}
)",
                                        kFile);
  REQUIRE(decoded.errors.empty());
  REQUIRE(decoded.objects.size() == 2);
  const SecretSpec* secret = decoded.objects[0].As<SecretSpec>();
  REQUIRE(secret != nullptr);
  CHECK(secret->data.at("password") == "$argon2id$x");
  CHECK(secret->data.at("other") == "plain");
  const NautheraUserSpec* user = decoded.objects[1].As<NautheraUserSpec>();
  REQUIRE(user != nullptr);
  CHECK(user->username == "alice");
  CHECK(user->password_secret_ref->key == "password");  // the default key
  CHECK_FALSE(user->disabled);
}

TEST_CASE("NautheraUser and Secret decoding errors name the field", "[decode]") {
  auto [text, fragment] = GENERATE(table<std::string, std::string>({
      {"apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: a}\n"
       "spec: {email: a@example.com}\n",
       "spec.username"},
      {"apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: a}\n"
       "spec: {username: a, passwordSecretRef: {name: p}}\n",
       "spec.passwordSecretRef"},
      {"apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\nmetadata: {name: a}\n"
       "spec: {username: a, password: hunter2}\n",
       "password"},
      {"apiVersion: v1\nkind: Secret\nmetadata: {name: p, namespace: x}\n"
       "data: {password: '!!notbase64'}\n",
       "data.password"},
  }));
  CAPTURE(text);
  DecodedFile decoded = DecodeManifests(text, kFile);
  CHECK(decoded.objects.empty());
  CHECK_THAT(OnlyError(decoded).message, Catch::Contains(fragment));
}

TEST_CASE("decoding accepts server-written metadata and status from kubectl get -o yaml",
          "[decode]") {
  DecodedFile decoded = DecodeManifests(R"(
apiVersion: v1
kind: Namespace
metadata:
  name: apps
  uid: 0b1c
  resourceVersion: "12"
  creationTimestamp: "2026-01-01T00:00:00Z"
spec:
  finalizers: [kubernetes]
status:
  phase: Active
)",
                                        kFile);
  CHECK(decoded.errors.empty());
  CHECK(decoded.objects.size() == 1);
}

}  // namespace
}  // namespace nauthera::controller
