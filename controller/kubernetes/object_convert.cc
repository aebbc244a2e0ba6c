#include "controller/kubernetes/object_convert.h"

#include "absl/strings/str_cat.h"

namespace nauthera::controller {

std::string ApiLocation(Kind kind, const kube::Object& object) {
  std::string ns = kube::NamespaceOf(object);
  return absl::StrCat(KindName(kind), " ", ns.empty() ? "" : absl::StrCat(ns, "/"),
                      kube::NameOf(object));
}

DecodedFile DecodeApiObject(Kind kind, const kube::Object& object) {
  // 1. Only what a manifest would hold: the decoder is strict about everything else.
  kube::Object doc = kube::Object::object();
  doc["apiVersion"] = std::string(KindApiVersion(kind));
  doc["kind"] = std::string(KindName(kind));
  kube::Object metadata = kube::Object::object();
  if (object.contains("metadata") && object["metadata"].is_object()) {
    for (const char* field : {"name", "namespace", "labels", "annotations"}) {
      if (object["metadata"].contains(field)) metadata[field] = object["metadata"][field];
    }
  }
  doc["metadata"] = metadata;
  const char* const kSecretFields[] = {"data", "stringData", "type"};
  if (kind == Kind::kSecret) {
    for (const char* field : kSecretFields) {
      if (object.contains(field)) doc[field] = object[field];
    }
  } else if (kind == Kind::kNamespace) {
    // A Namespace's spec holds only finalizers, of no use here.
  } else if (object.contains("spec")) {
    doc["spec"] = object["spec"];
  }
  // 2. The decoder (JSON is a subset of YAML 1.2).
  DecodedFile decoded = DecodeManifests(doc.dump(), ApiLocation(kind, object));
  for (ApiObject& decoded_object : decoded.objects) decoded_object.location.document = 0;
  for (DecodeError& error : decoded.errors) error.location.document = 0;
  return decoded;
}

}  // namespace nauthera::controller
