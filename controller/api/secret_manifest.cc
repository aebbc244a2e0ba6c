#include "controller/api/secret_manifest.h"

#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/encoding/base64.h"

namespace nauthera::controller {
namespace {

// Names and label values are validated DNS/label tokens and base64 has no YAML-special
// characters, but an annotation value could be anything: let yaml-cpp quote where needed.
std::string Quoted(absl::string_view text) {
  YAML::Emitter out;
  out << std::string(text);  // plain when that reads back the same, quoted otherwise
  return out.c_str();
}

void AppendMap(std::string& out, absl::string_view title,
               const std::map<std::string, std::string>& entries) {
  if (entries.empty()) return;
  absl::StrAppend(&out, "  ", title, ":\n");
  for (const auto& [key, value] : entries) {
    absl::StrAppend(&out, "    ", Quoted(key), ": ", Quoted(value), "\n");
  }
}

absl::Status Bad(absl::string_view why) {
  return absl::DataLossError(absl::StrCat("not a readable Secret manifest: ", why));
}

}  // namespace

std::string RenderSecretManifest(const SecretManifest& secret, absl::string_view comment) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    absl::StrAppend(&out, "#", line.empty() ? "" : " ", line, "\n");
  }
  absl::StrAppend(&out, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ", secret.name, "\n");
  if (!secret.ns.empty()) absl::StrAppend(&out, "  namespace: ", secret.ns, "\n");
  AppendMap(out, "labels", secret.labels);
  AppendMap(out, "annotations", secret.annotations);
  absl::StrAppend(&out, "type: Opaque\ndata:\n");
  for (const auto& [key, value] : secret.data) {
    absl::StrAppend(&out, "  ", key, ": ", Base64Encode(value), "\n");
  }
  return out;
}

absl::StatusOr<SecretManifest> ParseSecretManifest(absl::string_view text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Bad(e.what());
  }
  try {
    if (!doc.IsMap()) return Bad("not a mapping");
    if (!doc["apiVersion"].IsScalar() || doc["apiVersion"].Scalar() != "v1" ||
        !doc["kind"].IsScalar() || doc["kind"].Scalar() != "Secret") {
      return Bad("apiVersion must be v1 and kind Secret");
    }
    const YAML::Node meta = doc["metadata"];
    if (!meta.IsMap() || !meta["name"].IsScalar()) return Bad("metadata.name is missing");
    SecretManifest secret;
    secret.name = meta["name"].Scalar();
    if (meta["namespace"].IsScalar()) secret.ns = meta["namespace"].Scalar();
    for (const char* field : {"labels", "annotations"}) {
      const YAML::Node node = meta[field];
      if (!node.IsDefined() || node.IsNull()) continue;
      if (!node.IsMap()) return Bad(absl::StrCat("metadata.", field, " is not a mapping"));
      auto& target = std::string(field) == "labels" ? secret.labels : secret.annotations;
      for (auto it = node.begin(); it != node.end(); ++it) {
        target[it->first.as<std::string>()] = it->second.as<std::string>();
      }
    }
    const YAML::Node data = doc["data"];
    if (data.IsDefined() && !data.IsNull()) {
      if (!data.IsMap()) return Bad("data is not a mapping");
      for (auto it = data.begin(); it != data.end(); ++it) {
        std::string key = it->first.as<std::string>();
        absl::StatusOr<std::string> value = Base64Decode(it->second.as<std::string>());
        if (!value.ok()) return Bad(absl::StrCat("data.", key, " is not base64"));
        secret.data[key] = *std::move(value);
      }
    }
    return secret;
  } catch (const YAML::Exception& e) {
    return Bad(e.what());
  }
}

}  // namespace nauthera::controller
