#include "tests/kubeclient/fake_kube_client.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/encoding/base64.h"
#include "controller/kubeclient/api_status.h"

namespace nauthera::controller::kube::testing {
namespace {

// An answer as the API server writes it (a metav1.Status), mapped as the HTTP client maps it.
absl::Status ApiError(int code, const char* reason, const std::string& message,
                      absl::string_view context) {
  Object body = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                 {"message", message}, {"reason", reason}, {"code", code}};
  return StatusFromHttp(code, body.dump(), "", context);
}

std::string Qualified(const ResourceRef& ref) {
  return ref.group.empty() ? ref.resource : absl::StrCat(ref.resource, ".", ref.group);
}

bool HasStatusSubresource(const ResourceRef& ref) { return ref.group == "auth.nauthera.io"; }

// Everything but metadata and status: what a change to bumps metadata.generation.
Object SpecPart(Object object) {
  object.erase("metadata");
  object.erase("status");
  return object;
}

void ConvertStringData(const ResourceRef& ref, Object* object) {
  if (ref.kind != "Secret") return;
  auto string_data = object->find("stringData");
  if (string_data == object->end()) return;
  if (string_data->is_object()) {
    for (auto& [key, value] : string_data->items()) {
      if (value.is_string()) (*object)["data"][key] = Base64Encode(value.get<std::string>());
    }
  }
  object->erase("stringData");
}

std::string StringAt(const Object& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Label selectors: comma-separated `k=v`, `k==v`, `k!=v`, `k`, `!k`.
absl::StatusOr<bool> LabelsMatch(const Object& object, const std::string& selector) {
  if (selector.empty()) return true;
  Object labels = Object::object();
  if (object.contains("metadata") && object["metadata"].contains("labels")) {
    labels = object["metadata"]["labels"];
  }
  for (absl::string_view term : absl::StrSplit(selector, ',', absl::SkipWhitespace())) {
    term = absl::StripAsciiWhitespace(term);
    if (term.find(" in ") != absl::string_view::npos || term.find('(') != absl::string_view::npos) {
      return absl::UnimplementedError("the fake supports only equality label selectors");
    }
    bool negate = false;
    std::string key, value;
    bool has_value = true;
    if (size_t at = term.find("!="); at != absl::string_view::npos) {
      key = std::string(term.substr(0, at)), value = std::string(term.substr(at + 2));
      negate = true;
    } else if (size_t at = term.find("=="); at != absl::string_view::npos) {
      key = std::string(term.substr(0, at)), value = std::string(term.substr(at + 2));
    } else if (size_t at = term.find('='); at != absl::string_view::npos) {
      key = std::string(term.substr(0, at)), value = std::string(term.substr(at + 1));
    } else {
      has_value = false;
      negate = absl::ConsumePrefix(&term, "!");
      key = std::string(term);
    }
    bool present = labels.contains(key) && labels[key].is_string();
    bool match = has_value ? (present && labels[key] == value) : present;
    if (negate) match = has_value ? !match : !present;
    if (!match) return false;
  }
  return true;
}

// Field selectors on metadata.name and metadata.namespace, with = or !=.
absl::StatusOr<bool> FieldsMatch(const Object& object, const std::string& selector) {
  for (absl::string_view term : absl::StrSplit(selector, ',', absl::SkipWhitespace())) {
    bool negate = term.find("!=") != absl::string_view::npos;
    std::vector<std::string> parts = absl::StrSplit(term, negate ? "!=" : "=");
    if (parts.size() != 2) return absl::InvalidArgumentError("bad field selector");
    std::string field = std::string(absl::StripPrefix(parts[0], "="));
    std::string value = std::string(absl::StripPrefix(parts[1], "="));
    std::string actual;
    if (field == "metadata.name") {
      actual = NameOf(object);
    } else if (field == "metadata.namespace") {
      actual = NamespaceOf(object);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("field selector on ", field, " not supported"));
    }
    if ((actual == value) == negate) return false;
  }
  return true;
}

absl::StatusOr<bool> Matches(const Object& object, const std::string& labels,
                             const std::string& fields) {
  absl::StatusOr<bool> by_labels = LabelsMatch(object, labels);
  if (!by_labels.ok() || !*by_labels) return by_labels;
  return FieldsMatch(object, fields);
}

bool InNamespace(const ResourceRef& ref, absl::string_view ns, const Object& object) {
  return !ref.namespaced || ns.empty() || NamespaceOf(object) == ns;
}

std::string Context(const char* verb, const ResourceRef& ref, absl::string_view ns,
                    absl::string_view name = "") {
  return absl::StrCat(verb, " fake://", Qualified(ref), "/", ns, "/", name);
}

}  // namespace

std::string FakeKubeClient::ResourceId(const ResourceRef& ref) {
  return absl::StrCat(ref.group, "/", ref.resource);
}

FakeKubeClient::Store& FakeKubeClient::StoreOf(const ResourceRef& ref) {
  return stores_[ResourceId(ref)];
}

void FakeKubeClient::Compact() {
  absl::MutexLock lock(&mu_);
  compacted_ = version_;
  changes_.clear();
}

int64_t FakeKubeClient::resource_version() const {
  absl::MutexLock lock(&mu_);
  return version_;
}

void FakeKubeClient::RecordLocked(const ResourceRef& ref, WatchEventType type,
                                  const Object& object) {
  changes_.push_back({version_, ResourceId(ref), type, object});
}

absl::StatusOr<Object> FakeKubeClient::DoGet(const ResourceRef& ref, absl::string_view ns,
                                             absl::string_view name) {
  absl::MutexLock lock(&mu_);
  Store& store = StoreOf(ref);
  auto it = store.find(ObjectKeyOf(ref.namespaced ? ns : "", name));
  if (it == store.end()) {
    return ApiError(404, "NotFound", absl::StrFormat("%s \"%s\" not found", Qualified(ref), name),
                    Context("GET", ref, ns, name));
  }
  return it->second;
}

absl::StatusOr<ObjectList> FakeKubeClient::DoList(const ResourceRef& ref, absl::string_view ns,
                                                  const ListOptions& options) {
  absl::MutexLock lock(&mu_);
  const std::string context = Context("LIST", ref, ns);
  ObjectList list;
  list.resource_version = absl::StrCat(version_);
  std::string after;
  if (!options.continue_token.empty()) {
    std::pair<std::string, std::string> token = absl::StrSplit(options.continue_token, '|');
    int64_t token_version = 0;
    if (!absl::SimpleAtoi(token.first, &token_version)) {
      return ApiError(400, "BadRequest", "continue key is not valid", context);
    }
    if (token_version < compacted_) {  // etcd's Compact(R) keeps revision R
      return ApiError(410, "Expired",
                      "The provided continue parameter is too old to display a consistent list "
                      "result. You can start a new list without the continue parameter.",
                      context);
    }
    list.resource_version = token.first;
    after = token.second;
  }
  for (const auto& [key, object] : StoreOf(ref)) {
    if (!after.empty() && key <= after) continue;
    if (!InNamespace(ref, ns, object)) continue;
    absl::StatusOr<bool> match = Matches(object, options.label_selector, options.field_selector);
    if (!match.ok()) return ApiError(400, "BadRequest", std::string(match.status().message()), context);
    if (!*match) continue;
    if (options.limit > 0 && static_cast<int64_t>(list.items.size()) == options.limit) {
      list.continue_token = absl::StrCat(list.resource_version, "|", KeyOf(list.items.back()));
      break;
    }
    list.items.push_back(object);
  }
  return list;
}

absl::StatusOr<Object> FakeKubeClient::CreateLocked(const ResourceRef& ref, absl::string_view ns,
                                                    Object object) {
  const std::string context = Context("POST", ref, ns);
  if (!object.is_object()) return ApiError(400, "BadRequest", "not an object", context);
  Object& metadata = object["metadata"];
  if (!metadata.is_object()) metadata = Object::object();
  std::string name = StringAt(metadata, "name");
  if (name.empty() && !StringAt(metadata, "generateName").empty()) {
    name = absl::StrFormat("%s%05d", StringAt(metadata, "generateName"), next_uid_ % 100000);
  }
  if (name.empty()) {
    return ApiError(422, "Invalid",
                    absl::StrCat(ref.kind, " is invalid: metadata.name: Required value: name or "
                                 "generateName is required"),
                    context);
  }
  if (ref.namespaced) {
    std::string given = StringAt(metadata, "namespace");
    if (!given.empty() && given != ns) {
      return ApiError(400, "BadRequest",
                      "the namespace of the provided object does not match the namespace sent on "
                      "the request",
                      context);
    }
    metadata["namespace"] = std::string(ns);
  }
  std::string key = ObjectKeyOf(ref.namespaced ? ns : "", name);
  Store& store = StoreOf(ref);
  if (store.count(key) > 0) {
    return ApiError(409, "AlreadyExists",
                    absl::StrFormat("%s \"%s\" already exists", Qualified(ref), name), context);
  }
  object["apiVersion"] = ref.ApiVersion();
  object["kind"] = ref.kind;
  metadata["name"] = name;
  metadata.erase("generateName");
  metadata["uid"] = absl::StrFormat("00000000-0000-4000-8000-%012d", next_uid_++);
  metadata["creationTimestamp"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  if (HasStatusSubresource(ref)) {
    metadata["generation"] = 1;
    object.erase("status");  // the status subresource: create ignores status
  }
  ConvertStringData(ref, &object);
  if (ref.kind == "Secret" && !object.contains("type")) object["type"] = "Opaque";
  metadata["resourceVersion"] = absl::StrCat(++version_);
  store[key] = object;
  RecordLocked(ref, WatchEventType::kAdded, object);
  return object;
}

absl::StatusOr<Object> FakeKubeClient::ReplaceLocked(const ResourceRef& ref,
                                                     const std::string& key, Object object,
                                                     absl::string_view subresource) {
  const Object& current = StoreOf(ref)[key];
  const std::string context = Context("PUT", ref, NamespaceOf(current), NameOf(current));
  std::string given_version = ResourceVersionOf(object);
  if (!given_version.empty() && given_version != ResourceVersionOf(current)) {
    return ApiError(409, "Conflict",
                    absl::StrFormat("Operation cannot be fulfilled on %s \"%s\": the object has "
                                    "been modified; please apply your changes to the latest "
                                    "version and try again",
                                    Qualified(ref), NameOf(current)),
                    context);
  }
  Object next;
  if (subresource == "status") {
    next = current;
    if (object.contains("status")) {
      next["status"] = object["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = std::move(object);
    if (!next["metadata"].is_object()) next["metadata"] = Object::object();
    for (const char* owned : {"name", "namespace", "uid", "creationTimestamp", "generation"}) {
      if (current["metadata"].contains(owned)) {
        next["metadata"][owned] = current["metadata"][owned];
      } else {
        next["metadata"].erase(owned);
      }
    }
    next["apiVersion"] = ref.ApiVersion();
    next["kind"] = ref.kind;
    ConvertStringData(ref, &next);
    if (HasStatusSubresource(ref)) {
      if (current.contains("status")) {
        next["status"] = current["status"];
      } else {
        next.erase("status");
      }
      if (SpecPart(next) != SpecPart(current)) {
        next["metadata"]["generation"] = current["metadata"]["generation"].get<int64_t>() + 1;
      }
    }
  }
  next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
  if (next == current) return current;  // a no-op write keeps the resourceVersion
  next["metadata"]["resourceVersion"] = absl::StrCat(++version_);
  StoreOf(ref)[key] = next;
  RecordLocked(ref, WatchEventType::kModified, next);
  return next;
}

absl::StatusOr<Object> FakeKubeClient::DoCreate(const ResourceRef& ref, absl::string_view ns,
                                                const Object& object, const WriteOptions&) {
  if (ref.namespaced && ns.empty()) return absl::InvalidArgumentError("no namespace");
  absl::MutexLock lock(&mu_);
  Object copy = object;
  if (copy.is_object() && copy["metadata"].is_object()) copy["metadata"].erase("resourceVersion");
  return CreateLocked(ref, ns, std::move(copy));
}

absl::StatusOr<Object> FakeKubeClient::DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                                const Object& object,
                                                absl::string_view subresource,
                                                const WriteOptions&) {
  absl::MutexLock lock(&mu_);
  std::string name = NameOf(object);
  std::string key = ObjectKeyOf(ref.namespaced ? ns : "", name);
  if (StoreOf(ref).count(key) == 0) {
    return ApiError(404, "NotFound", absl::StrFormat("%s \"%s\" not found", Qualified(ref), name),
                    Context("PUT", ref, ns, name));
  }
  return ReplaceLocked(ref, key, object, subresource);
}

absl::StatusOr<Object> FakeKubeClient::DoPatch(const ResourceRef& ref, absl::string_view ns,
                                               absl::string_view name, PatchType type,
                                               absl::string_view body,
                                               const PatchOptions& options,
                                               absl::string_view subresource) {
  const std::string context = Context("PATCH", ref, ns, name);
  Object patch = Object::parse(body, nullptr, /*allow_exceptions=*/false);
  if (patch.is_discarded()) return ApiError(400, "BadRequest", "the patch is not JSON", context);
  absl::MutexLock lock(&mu_);
  std::string key = ObjectKeyOf(ref.namespaced ? ns : "", name);
  bool exists = StoreOf(ref).count(key) > 0;
  if (type == PatchType::kApply) {
    if (options.field_manager.empty()) {
      return ApiError(400, "BadRequest", "fieldManager is required for apply requests", context);
    }
    if (!exists) {
      if (subresource == "status") {
        return ApiError(404, "NotFound",
                        absl::StrFormat("%s \"%s\" not found", Qualified(ref), name), context);
      }
      patch["metadata"].erase("resourceVersion");
      return CreateLocked(ref, ns, std::move(patch));
    }
  }
  if (!exists) {
    return ApiError(404, "NotFound", absl::StrFormat("%s \"%s\" not found", Qualified(ref), name),
                    context);
  }
  Object next = StoreOf(ref)[key];
  if (type == PatchType::kJson) {
    try {
      next = next.patch(patch);
    } catch (const std::exception& e) {
      return ApiError(422, "Invalid", absl::StrCat("the JSON patch failed: ", e.what()), context);
    }
  } else {
    // kMerge; kApply and kStrategicMerge approximated as RFC 7386 merge patches.
    next.merge_patch(patch);
  }
  return ReplaceLocked(ref, key, std::move(next), subresource);
}

absl::Status FakeKubeClient::DoDelete(const ResourceRef& ref, absl::string_view ns,
                                      absl::string_view name, const DeleteOptions& options) {
  const std::string context = Context("DELETE", ref, ns, name);
  absl::MutexLock lock(&mu_);
  Store& store = StoreOf(ref);
  auto it = store.find(ObjectKeyOf(ref.namespaced ? ns : "", name));
  if (it == store.end()) {
    return ApiError(404, "NotFound", absl::StrFormat("%s \"%s\" not found", Qualified(ref), name),
                    context);
  }
  if (!options.precondition_uid.empty() && options.precondition_uid != UidOf(it->second)) {
    return ApiError(409, "Conflict",
                    absl::StrFormat("Precondition failed: UID in precondition: %s, UID in object "
                                    "meta: %s",
                                    options.precondition_uid, UidOf(it->second)),
                    context);
  }
  if (!options.precondition_resource_version.empty() &&
      options.precondition_resource_version != ResourceVersionOf(it->second)) {
    return ApiError(409, "Conflict",
                    absl::StrFormat("Precondition failed: ResourceVersion in precondition: %s, "
                                    "ResourceVersion in object meta: %s",
                                    options.precondition_resource_version,
                                    ResourceVersionOf(it->second)),
                    context);
  }
  Object gone = std::move(it->second);
  store.erase(it);
  gone["metadata"]["resourceVersion"] = absl::StrCat(++version_);
  RecordLocked(ref, WatchEventType::kDeleted, gone);
  return absl::OkStatus();
}

absl::Status FakeKubeClient::DoWatch(const ResourceRef& ref, absl::string_view ns,
                                     const WatchOptions& options, const WatchHandler& handler,
                                     Cancellation* cancel) {
  const std::string context = Context("WATCH", ref, ns);
  const std::string resource = ResourceId(ref);
  absl::Time deadline = options.timeout_seconds > 0
                            ? absl::Now() + absl::Seconds(options.timeout_seconds)
                            : absl::InfiniteFuture();
  auto matches = [&](const Object& object) {
    if (!InNamespace(ref, ns, object)) return false;
    absl::StatusOr<bool> match = Matches(object, options.label_selector, options.field_selector);
    return match.ok() && *match;
  };
  std::vector<WatchEvent> batch;
  int64_t seen = 0;
  {
    absl::MutexLock lock(&mu_);
    if (options.resource_version.empty() || options.resource_version == "0") {
      // "Start now": every existing object as ADDED, then the changes after.
      for (const auto& [key, object] : StoreOf(ref)) {
        if (matches(object)) batch.push_back({WatchEventType::kAdded, object});
      }
      seen = version_;
    } else if (!absl::SimpleAtoi(options.resource_version, &seen)) {
      return ApiError(400, "BadRequest", "resourceVersion is not a number", context);
    }
  }
  int64_t delivered = seen;
  while (true) {
    for (const WatchEvent& event : batch) {
      if (!handler(event)) return absl::OkStatus();
    }
    batch.clear();
    if (cancel != nullptr && cancel->cancelled()) return absl::CancelledError("watch cancelled");
    std::optional<Object> bookmark;
    {
      absl::MutexLock lock(&mu_);
      // As kube-apiserver reports a version its watch cache no longer holds: an ERROR event.
      if (seen < compacted_) {
        return ApiError(410, "Expired",
                        absl::StrFormat("too old resource version: %d (%d)", seen, compacted_ + 1),
                        context);
      }
      auto has_news = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return version_ > seen || compacted_ > seen;
      };
      absl::Duration slice = std::min(absl::Milliseconds(50), deadline - absl::Now());
      if (slice > absl::ZeroDuration()) {
        if (mu_.AwaitWithTimeout(absl::Condition(&has_news), slice) && seen >= compacted_) {
          for (const Change& change : changes_) {
            if (change.version <= seen || change.resource != resource) continue;
            if (matches(change.object)) {
              batch.push_back({change.type, change.object});
              delivered = change.version;
            }
          }
          seen = version_;
        }
        continue;
      }
      // The server ends the watch at timeoutSeconds, first telling how far it got.
      if (options.allow_bookmarks && version_ > delivered) {
        bookmark = Object{{"kind", ref.kind},
                          {"apiVersion", ref.ApiVersion()},
                          {"metadata", {{"resourceVersion", absl::StrCat(version_)}}}};
      }
    }
    if (bookmark) handler({WatchEventType::kBookmark, *bookmark});
    return absl::OkStatus();
  }
}

}  // namespace nauthera::controller::kube::testing
