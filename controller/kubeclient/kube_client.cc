#include "controller/kubeclient/kube_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/object_fields.h"

namespace nauthera::controller::kube {

absl::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
    case WatchEventType::kBookmark: return "BOOKMARK";
  }
  return "UNKNOWN";
}

namespace {

absl::StatusOr<ObjectList> ListPages(KubeClient& client, const ResourceRef& ref,
                                     absl::string_view ns, ListOptions options) {
  ObjectList all;
  while (true) {
    absl::StatusOr<ObjectList> page = client.List(ref, ns, options);
    if (!page.ok()) return page.status();
    for (Object& item : page->items) all.items.push_back(std::move(item));
    // Every page of one list is served at the version of the first page.
    if (all.resource_version.empty()) all.resource_version = page->resource_version;
    if (page->continue_token.empty()) return all;
    options.continue_token = page->continue_token;
    // Later pages come from the continue token's snapshot; these must not be sent again.
    options.resource_version.clear();
    options.resource_version_match.clear();
  }
}

std::string MetadataString(const Object& object, const char* field) {
  return StringAt(object, {"metadata", field});
}

}  // namespace

absl::StatusOr<ObjectList> ListAll(KubeClient& client, const ResourceRef& ref,
                                   absl::string_view ns, ListOptions options) {
  options.continue_token.clear();
  absl::StatusOr<ObjectList> list = ListPages(client, ref, ns, options);
  // API concepts, "Retrieving large results sets in chunks": a continue token that expired
  // (etcd compacted its revision) answers 410; the list must restart without it.
  if (!list.ok() && IsResourceExpired(list.status()) && options.limit > 0) {
    list = ListPages(client, ref, ns, options);
  }
  return list;
}

absl::StatusOr<Object> UpdateStatus(KubeClient& client, const ResourceRef& ref,
                                    absl::string_view ns, const Object& object) {
  return client.Update(ref, ns, object, "status");
}

absl::StatusOr<Object> Apply(KubeClient& client, const ResourceRef& ref, absl::string_view ns,
                             Object intent, absl::string_view field_manager, bool force,
                             absl::string_view subresource) {
  if (field_manager.empty()) {
    return absl::InvalidArgumentError("server-side apply needs a field manager");
  }
  if (!intent.is_object()) return absl::InvalidArgumentError("apply intent is not an object");
  if (!intent.contains("apiVersion")) intent["apiVersion"] = ref.ApiVersion();
  if (!intent.contains("kind")) intent["kind"] = ref.kind;
  std::string name = NameOf(intent);
  if (name.empty()) return absl::InvalidArgumentError("apply intent has no metadata.name");
  if (ref.namespaced && !ns.empty() && NamespaceOf(intent).empty()) {
    intent["metadata"]["namespace"] = std::string(ns);
  }
  PatchOptions options;
  options.field_manager = std::string(field_manager);
  options.force = force;
  return client.Patch(ref, ns, name, PatchType::kApply, intent.dump(), options, subresource);
}

absl::StatusOr<Object> ApplyStatus(KubeClient& client, const ResourceRef& ref,
                                   absl::string_view ns, Object intent,
                                   absl::string_view field_manager, bool force) {
  return Apply(client, ref, ns, std::move(intent), field_manager, force, "status");
}

std::string NameOf(const Object& object) { return MetadataString(object, "name"); }
std::string NamespaceOf(const Object& object) { return MetadataString(object, "namespace"); }
std::string ResourceVersionOf(const Object& object) {
  return MetadataString(object, "resourceVersion");
}
std::string UidOf(const Object& object) { return MetadataString(object, "uid"); }
std::string KeyOf(const Object& object) {
  return ObjectKeyOf(NamespaceOf(object), NameOf(object));
}

}  // namespace nauthera::controller::kube
