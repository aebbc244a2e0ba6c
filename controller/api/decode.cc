#include "controller/api/decode.h"

#include <optional>
#include <sstream>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "controller/api/crd_rules.h"
#include "controller/api/decode_specs.h"
#include "controller/api/names.h"
#include "controller/api/yaml_reader.h"

namespace nauthera::controller {
namespace {


// ObjectMeta fields a manifest may carry. Those the API server writes (uid, resourceVersion,
// ...) are accepted and ignored so that `kubectl get -o yaml` output loads.
#define NAUTHERA_META_FIELDS                                                                  \
  "name", "namespace", "labels", "annotations", "uid", "resourceVersion", "generation",       \
      "creationTimestamp", "managedFields", "finalizers", "ownerReferences", "generateName", \
      "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"

// What the first steps of decoding learn about a document, kept for error messages.
struct Identity {
  std::optional<Kind> kind;
  std::string name;
  std::string ns;
  std::optional<ObjectKey> Key() const {
    if (!kind || name.empty() || (IsNamespaced(*kind) && ns.empty())) return std::nullopt;
    return ObjectKey{*kind, ns, name};
  }
};

// Name and namespace when they are valid names; left empty otherwise.
void ReadIdentity(const YAML::Node& metadata, Identity& id) {
  if (!metadata.IsDefined() || !metadata.IsMap()) return;
  const YAML::Node name = metadata["name"];
  const YAML::Node ns = metadata["namespace"];
  if (name.IsDefined() && name.IsScalar() && ValidateDns1123Subdomain(name.Scalar()).ok()) {
    id.name = name.Scalar();
  }
  if (IsNamespaced(*id.kind) && ns.IsDefined() && ns.IsScalar() &&
      ValidateDns1123Label(ns.Scalar()).ok()) {
    id.ns = ns.Scalar();
  }
}

absl::Status DecodeMetadata(const YAML::Node& node, Kind kind, ObjectMeta& meta) {
  if (IsAbsent(node)) return FieldError("metadata", "is required; add metadata.name");
  RETURN_IF_ERROR(CheckFields(node, "metadata", {NAUTHERA_META_FIELDS}));
  if (IsAbsent(node["name"])) return FieldError("metadata.name", "is required; name the object");
  ASSIGN_OR_RETURN(meta.name, ReadString(node["name"], "metadata.name"));
  absl::Status valid = ValidateDns1123Subdomain(meta.name);
  if (!valid.ok()) return FieldError("metadata.name", valid.message());
  bool has_ns = !IsAbsent(node["namespace"]);
  if (IsNamespaced(kind)) {
    // Unlike kubectl, no "default": in a folder there is no current context to take it from,
    // and a client landing in the wrong namespace would get the wrong policies.
    if (!has_ns) {
      return FieldError("metadata.namespace",
                        absl::StrCat("is required: ", KindName(kind),
                                     " is namespaced; add metadata.namespace"));
    }
    ASSIGN_OR_RETURN(meta.ns, ReadString(node["namespace"], "metadata.namespace"));
    valid = ValidateDns1123Label(meta.ns);
    if (!valid.ok()) return FieldError("metadata.namespace", valid.message());
  } else if (has_ns) {
    return FieldError("metadata.namespace",
                      absl::StrCat(KindName(kind),
                                   " is cluster-scoped; remove metadata.namespace"));
  }
  if (!IsAbsent(node["labels"])) {
    ASSIGN_OR_RETURN(meta.labels, ReadStringMap(node["labels"], "metadata.labels"));
    for (const auto& [key, value] : meta.labels) {
      valid = ValidateLabelKey(key);
      if (valid.ok()) valid = ValidateLabelValue(value);
      if (!valid.ok()) return FieldError(FieldPath("metadata.labels", key), valid.message());
    }
  }
  if (!IsAbsent(node["annotations"])) {
    ASSIGN_OR_RETURN(meta.annotations, ReadStringMap(node["annotations"], "metadata.annotations"));
  }
  return absl::OkStatus();
}

absl::Status DecodeSpec(const YAML::Node& doc, ApiObject& object) {
  const YAML::Node spec = doc["spec"];
  switch (object.kind) {
    case Kind::kNamespace:
      // A Namespace's spec holds only finalizers, which local mode has no use for.
      if (!IsAbsent(spec)) RETURN_IF_ERROR(CheckFields(spec, "spec", {"finalizers"}));
      object.spec = NamespaceSpec{};
      return absl::OkStatus();
    case Kind::kOidcClient: {
      ASSIGN_OR_RETURN(object.spec, DecodeOidcClientSpec(spec));
      return absl::OkStatus();
    }
    case Kind::kServiceAccount: {
      ASSIGN_OR_RETURN(object.spec, DecodeServiceAccountSpec(spec));
      return absl::OkStatus();
    }
    case Kind::kClusterAuthPolicy: {
      ASSIGN_OR_RETURN(object.spec, DecodeClusterAuthPolicySpec(spec));
      return absl::OkStatus();
    }
    case Kind::kAuthPolicy: {
      ASSIGN_OR_RETURN(object.spec, DecodeAuthPolicySpec(spec));
      return absl::OkStatus();
    }
    case Kind::kNautheraUser: {
      ASSIGN_OR_RETURN(object.spec, DecodeNautheraUserSpec(spec));
      return absl::OkStatus();
    }
    case Kind::kSecret: {
      ASSIGN_OR_RETURN(object.spec, DecodeSecret(doc));
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unhandled kind");
}

// Decodes one document. Fills `id` as far as it gets, so that errors can name the object.
absl::StatusOr<ApiObject> DecodeDocument(const YAML::Node& doc, Identity& id) {
  // 1. The type: apiVersion and kind.
  if (!doc.IsMap()) {
    return absl::InvalidArgumentError(
        "the document is not a mapping; each document must be one Kubernetes object");
  }
  if (IsAbsent(doc["kind"])) return FieldError("kind", "is required (e.g. kind: OidcClient)");
  ASSIGN_OR_RETURN(std::string kind_name, ReadString(doc["kind"], "kind"));
  if (IsAbsent(doc["apiVersion"])) {
    return FieldError("apiVersion", "is required (auth.nauthera.io/v1alpha1 or v1)");
  }
  ASSIGN_OR_RETURN(std::string api_version, ReadString(doc["apiVersion"], "apiVersion"));
  id.kind = KindFromName(kind_name);
  if (!id.kind) {
    return FieldError("kind", absl::StrCat("\"", kind_name, "\" is not a kind Nauthera reads; use "
                                           "OidcClient, NautheraServiceAccount, AuthPolicy, "
                                           "ClusterAuthPolicy, NautheraUser, Secret or "
                                           "Namespace"));
  }
  ApiObject object;
  object.kind = *id.kind;
  // 2. Who the document is, read leniently first so that every later error can name the
  // object (and so that the object keeps its last good version while it is broken).
  const YAML::Node metadata = doc["metadata"];
  ReadIdentity(metadata, id);
  if (api_version != KindApiVersion(object.kind)) {
    return FieldError("apiVersion", absl::StrCat("\"", api_version, "\" is not served for ",
                                                 kind_name, "; use ",
                                                 KindApiVersion(object.kind)));
  }
  if (object.kind == Kind::kSecret) {
    RETURN_IF_ERROR(CheckFields(
        doc, "", {"apiVersion", "kind", "metadata", "type", "data", "stringData", "immutable"}));
  } else {
    RETURN_IF_ERROR(CheckFields(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"}));
  }
  RETURN_IF_ERROR(DecodeMetadata(metadata, object.kind, object.meta));
  // 3. The spec. `status` is written by the controller and never read from a manifest.
  RETURN_IF_ERROR(DecodeSpec(doc, object));
  // 4. The CRD schema's lengths, patterns and enums, as kube-apiserver applies them, so that
  // local mode accepts exactly what a cluster would (the types were checked just above).
  if (object.kind != Kind::kSecret) RETURN_IF_ERROR(CheckCrdRules(object.kind, doc["spec"]));
  return object;
}

// yaml-cpp 0.7 (Debian bookworm) LoadAll never returns on a stream its parser cannot advance
// in, such as one that starts with ",": every call yields one more null document at the same
// place, until memory runs out (jbeder/yaml-cpp#1040, fixed upstream after 0.8). Found by
// tests/fuzz/yaml_decode_fuzz.cc. This pass walks the documents without building nodes and
// throws where a document would start where the previous one did.
class StuckStreamCheck : public YAML::EventHandler {
 public:
  static void Run(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StuckStreamCheck check;
    while (parser.HandleNextDocument(check)) {
      if (check.previous_ && check.previous_->pos == check.start_.pos) {
        throw YAML::ParserException(check.start_, "unexpected token where a document starts");
      }
      check.previous_ = check.start_;
    }
  }

  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  YAML::Mark start_;
  std::optional<YAML::Mark> previous_;
};

}  // namespace

std::string DecodeError::ToString() const {
  std::string where = location.document == 0 ? location.file : location.ToString();
  if (key) return absl::StrCat(where, " (", key->ToString(), "): ", message);
  return absl::StrCat(where, ": ", message);
}

DecodedFile DecodeManifests(absl::string_view text, absl::string_view file) {
  DecodedFile out;
  std::vector<YAML::Node> docs;
  try {
    StuckStreamCheck::Run(std::string(text));
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp marks are 0-based.
    out.parsed = false;
    out.errors.push_back(DecodeError{
        SourceLocation{std::string(file), 0}, std::nullopt,
        absl::StrCat("not valid YAML at line ", e.mark.line + 1, ", column ", e.mark.column + 1,
                     ": ", e.msg, "; fix the file (its objects keep their last good version)"),
        false});
    return out;
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    SourceLocation location{std::string(file), static_cast<int>(i + 1)};
    if (IsAbsent(docs[i])) continue;  // "---" with nothing after it
    Identity id;
    absl::StatusOr<ApiObject> object;
    try {
      object = DecodeDocument(docs[i], id);
    } catch (const YAML::Exception& e) {  // yaml-cpp throws on some malformed node shapes
      object = absl::InvalidArgumentError(absl::StrCat("unreadable: ", e.what()));
    }
    if (object.ok()) {
      object->location = location;
      out.objects.push_back(*std::move(object));
      continue;
    }
    std::optional<ObjectKey> key = id.Key();
    if (!key) out.identified_all = false;
    out.errors.push_back(
        DecodeError{location, key, std::string(object.status().message()), false});
  }
  return out;
}

}  // namespace nauthera::controller
