// The CRD schema rules (controller/api/crd_rules.h) against the CRD files themselves, and the
// decoder applying them to manifests as kube-apiserver would.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/api/crd_rules.h"
#include "controller/api/decode.h"
#include "controller/kubernetes/object_convert.h"

namespace nauthera::controller {
namespace {

using RuleTuple =
    std::tuple<std::string, std::string, int, int, std::string, std::string, int, int>;

RuleTuple AsTuple(const CrdFieldRule& r) {
  return {std::string(KindName(r.kind)), r.path,  r.min_length, r.max_length, r.pattern,
          absl::StrJoin(r.enum_values, "|"), r.min_items, r.max_items};
}

int IntOr(const YAML::Node& node, const char* key) {
  return node[key] ? node[key].as<int>() : -1;
}

// Walks an OpenAPI schema node as crd_rules.h names paths, collecting every constraint.
void Collect(const std::string& kind, const YAML::Node& schema, const std::string& path,
             std::set<RuleTuple>& out) {
  std::string pattern = schema["pattern"] ? schema["pattern"].as<std::string>() : "";
  std::string enums;
  if (schema["enum"]) {
    std::vector<std::string> values;
    for (const YAML::Node& v : schema["enum"]) values.push_back(v.as<std::string>());
    enums = absl::StrJoin(values, "|");
  }
  RuleTuple rule{kind, path, IntOr(schema, "minLength"), IntOr(schema, "maxLength"), pattern,
                 enums, IntOr(schema, "minItems"), IntOr(schema, "maxItems")};
  if (rule != RuleTuple{kind, path, -1, -1, "", "", -1, -1}) out.insert(rule);
  if (schema["properties"]) {
    for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
      Collect(kind, it->second, absl::StrCat(path, ".", it->first.as<std::string>()), out);
    }
  }
  if (schema["items"]) Collect(kind, schema["items"], path + "[]", out);
  if (schema["additionalProperties"] && schema["additionalProperties"].IsMap()) {
    Collect(kind, schema["additionalProperties"], path + "{}", out);
  }
}

TEST_CASE("the CRD rules table holds exactly the constraints of the CRD files' spec schemas",
          "[crd_rules]") {
  std::set<RuleTuple> in_files;
  std::filesystem::path crds = std::filesystem::path(NAUTHERA_SOURCE_DIR) / "charts/nauthera/crds";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(crds)) {
    YAML::Node crd = YAML::LoadFile(entry.path().string());
    std::string kind = crd["spec"]["names"]["kind"].as<std::string>();
    for (const YAML::Node& version : crd["spec"]["versions"]) {
      Collect(kind, version["schema"]["openAPIV3Schema"]["properties"]["spec"], "spec",
              in_files);
    }
    ++files;
  }
  REQUIRE(files == 5);
  std::set<RuleTuple> in_code;
  for (const CrdFieldRule& rule : CrdFieldRules()) in_code.insert(AsTuple(rule));
  for (const RuleTuple& rule : in_files) {
    CAPTURE(std::get<0>(rule), std::get<1>(rule));
    CHECK(in_code.count(rule) == 1);
  }
  for (const RuleTuple& rule : in_code) {
    CAPTURE(std::get<0>(rule), std::get<1>(rule));
    CHECK(in_files.count(rule) == 1);
  }
}

std::string User(const std::string& fields) {
  return absl::StrCat("apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraUser\n"
                      "metadata: {name: u}\nspec: {",
                      fields, "}\n");
}

std::string Client(const std::string& fields) {
  return absl::StrCat("apiVersion: auth.nauthera.io/v1alpha1\nkind: OidcClient\n"
                      "metadata: {name: c, namespace: apps}\nspec: {",
                      fields, "}\n");
}

std::string ManyUris(int n) {
  std::vector<std::string> uris;
  for (int i = 0; i < n; ++i) uris.push_back(absl::StrCat("\"https://a.example/cb", i, "\""));
  return absl::StrJoin(uris, ",");
}

TEST_CASE("local mode refuses what the CRD schema refuses, naming the field", "[crd_rules]") {
  auto [name, document, field] = GENERATE(table<std::string, std::string, std::string>({
      {"Cyrillic a in a username", User("username: \"\xd0\xb0lice\""), "spec.username"},
      {"username starting with a dot", User("username: .alice"), "spec.username"},
      {"username of 129 characters", User("username: " + std::string(129, 'a')),
       "spec.username"},
      {"username with a NUL", User("username: \"al\\0ice\""), "spec.username"},
      {"email without a domain", User("username: a, email: alice@"), "spec.email"},
      {"email with a Cyrillic letter", User("username: a, email: \"\xd0\xb0@example.com\""),
       "spec.email"},
      {"display name of 257 characters",
       User("username: a, displayName: " + std::string(257, 'x')), "spec.displayName"},
      {"empty group", User("username: a, groups: [\"\"]"), "spec.groups[0]"},
      {"secret key with a slash",
       User("username: a, passwordSecretRef: {name: p, namespace: n, key: a/b}"),
       "spec.passwordSecretRef.key"},
      {"picture over http", User("username: a, picture: \"http://img.example/a.png\""),
       "spec.picture"},
      {"website that is not a URL", User("username: a, website: example.com"), "spec.website"},
      {"locale with a space", User("username: a, locale: \"en US\""), "spec.locale"},
      {"zoneinfo with a space", User("username: a, zoneinfo: \"Europe/ Paris\""),
       "spec.zoneinfo"},
      {"given name of 257 characters",
       User("username: a, givenName: " + std::string(257, 'x')), "spec.givenName"},
      {"redirect URI with a signed port",
       Client("redirectUris: [\"http://127.0.0.1:+80/cb\"]"), "spec.redirectUris[0]"},
      {"redirect URI with a space", Client("redirectUris: [\"https://a.example/c b\"]"),
       "spec.redirectUris[0]"},
      {"unknown grant type", Client("redirectUris: [\"https://a.example/cb\"], "
                                    "grantTypes: [password]"),
       "spec.grantTypes[0]"},
      {"no grant type", Client("redirectUris: [\"https://a.example/cb\"], grantTypes: []"),
       "spec.grantTypes"},
      {"65 redirect URIs",
       Client("redirectUris: [" + ManyUris(65) + "]"),
       "spec.redirectUris"},
      {"TTL longer than the pattern allows",
       "apiVersion: auth.nauthera.io/v1alpha1\nkind: ClusterAuthPolicy\nmetadata: {name: p}\n"
       "spec: {accessTokenTTL: 12345678901s}\n",
       "spec.accessTokenTTL"},
  }));
  CAPTURE(name);
  DecodedFile decoded = DecodeManifests(document, "users.yaml");
  CHECK(decoded.objects.empty());
  REQUIRE(decoded.errors.size() == 1);
  const std::string& message = decoded.errors[0].message;
  CAPTURE(message);
  CHECK(message.rfind(field + ":", 0) == 0);
  // The offending value never reaches a status message raw.
  for (char c : message) CHECK(static_cast<unsigned char>(c) >= 0x20);
}

TEST_CASE("values at the CRD schema's limits are accepted", "[crd_rules]") {
  auto [name, document] = GENERATE(table<std::string, std::string>({
      {"username of 128 characters", User("username: " + std::string(128, 'a'))},
      {"username with every allowed sign", User("username: a.b_c@d+e-f")},
      {"plain email", User("username: a, email: Alice.Smith+k8s@mail.example.com")},
      {"no email", User("username: a")},
      {"every profile claim",
       User("username: a, givenName: Alice, familyName: Smith, middleName: B, nickname: Al, "
            "profileUrl: \"https://people.example/alice\", "
            "picture: \"https://img.example/a.png\", website: \"https://alice.example\", "
            "zoneinfo: Europe/Paris, locale: fr-CA")},
      {"loopback redirect URI with a port", Client("redirectUris: [\"http://127.0.0.1:8000/cb\"]")},
      {"IPv6 redirect URI", Client("redirectUris: [\"http://[::1]/cb\"]")},
  }));
  CAPTURE(name);
  DecodedFile decoded = DecodeManifests(document, "ok.yaml");
  CAPTURE(decoded.errors.empty() ? "" : decoded.errors[0].message);
  CHECK(decoded.objects.size() == 1);
}

TEST_CASE("Kubernetes mode applies the same CRD rules as local mode", "[crd_rules]") {
  kube::Object object = nlohmann::json::parse(
      "{\"apiVersion\":\"auth.nauthera.io/v1alpha1\",\"kind\":\"NautheraUser\","
      "\"metadata\":{\"name\":\"u\"},\"spec\":{\"username\":\"\xd0\xb0lice\"}}");
  DecodedFile decoded = DecodeApiObject(Kind::kNautheraUser, object);
  CHECK(decoded.objects.empty());
  REQUIRE(decoded.errors.size() == 1);
  CHECK(decoded.errors[0].message.rfind("spec.username:", 0) == 0);
}

}  // namespace
}  // namespace nauthera::controller
