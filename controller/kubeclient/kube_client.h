// KubeClient: the Kubernetes API as Nauthera uses it, behind an interface so reconcilers can be
// tested against a fake and the same suite run against the real API server. Objects are plain
// JSON (nlohmann::json) as the API serves them; addressing is by ResourceRef + namespace +
// name. Every call returns absl::Status mapped by StatusFromHttp (api_status.h): kNotFound,
// kAlreadyExists, kAborted (stale resourceVersion: re-read, retry), kOutOfRange (expired:
// relist), kInvalidArgument (the API server's field errors), kPermissionDenied (RBAC),
// kUnavailable (retry with backoff).
// https://kubernetes.io/docs/reference/using-api/api-concepts/
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CLIENT_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/kubeclient/cancellation.h"
#include "controller/kubeclient/resource_ref.h"
#include "nlohmann/json.hpp"

namespace nauthera::controller::kube {

using Object = nlohmann::json;

struct ListOptions {
  std::string label_selector;  // "app=x,tier!=db"
  std::string field_selector;  // "metadata.name=x"
  // "" reads the most recent state (a quorum read); "0" any cached state. See "Resource
  // versions" in the API concepts for the semantics with resource_version_match.
  std::string resource_version;
  std::string resource_version_match;  // "", "NotOlderThan" or "Exact"
  int64_t limit = 0;                   // 0: one page with everything
  std::string continue_token;          // from the previous page
};

struct ObjectList {
  std::vector<Object> items;
  // The list's metadata.resourceVersion: a watch started from it misses nothing.
  std::string resource_version;
  std::string continue_token;  // "" on the last page
};

// For Create, Update and Patch.
struct WriteOptions {
  std::string field_manager;  // who owns the fields written (managedFields); "" = default
  bool dry_run = false;       // dryRun=All: validated and admitted, not stored
};

enum class PatchType {
  kMerge,           // RFC 7386 JSON merge patch
  kJson,            // RFC 6902 JSON patch
  kStrategicMerge,  // built-in kinds only (not custom resources)
  kApply,           // server-side apply: needs WriteOptions::field_manager
};

struct PatchOptions : WriteOptions {
  bool force = false;  // server-side apply: take fields other managers own
};

struct DeleteOptions {
  // Preconditions: the delete fails with kAborted (409) unless the object still has this
  // uid / resourceVersion.
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::string propagation_policy;  // "", "Orphan", "Background" or "Foreground"
  std::optional<int64_t> grace_period_seconds;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark };

absl::string_view WatchEventTypeName(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  // The object after the change (for kDeleted: its last state). For kBookmark only
  // metadata.resourceVersion is meaningful.
  Object object;
};

struct WatchOptions {
  // Where to start: events after this version. "" starts "now" with a synthetic ADDED for
  // every existing object; prefer the resourceVersion of a list.
  std::string resource_version;
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;  // BOOKMARK events carry newer resourceVersions
  int timeout_seconds = 0;      // the server ends the watch after this; 0: server default
};

// Called for each event, on the calling thread of Watch(). Return false to stop watching.
using WatchHandler = std::function<bool(const WatchEvent&)>;

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  // `ns` is "" for cluster-scoped resources (and for List/Watch across all namespaces).
  absl::StatusOr<Object> Get(const ResourceRef& ref, absl::string_view ns,
                             absl::string_view name) {
    return DoGet(ref, ns, name);
  }

  // One page; ListAll() below follows continue tokens.
  absl::StatusOr<ObjectList> List(const ResourceRef& ref, absl::string_view ns,
                                  const ListOptions& options = {}) {
    return DoList(ref, ns, options);
  }

  // The name is taken from object.metadata.name (generateName works too).
  absl::StatusOr<Object> Create(const ResourceRef& ref, absl::string_view ns,
                                const Object& object, const WriteOptions& options = {}) {
    return DoCreate(ref, ns, object, options);
  }

  // PUT, replacing the object (or its `subresource`, "status"). With
  // metadata.resourceVersion set this is optimistic concurrency: if the object changed since,
  // kAborted (409 Conflict): re-read and try again.
  absl::StatusOr<Object> Update(const ResourceRef& ref, absl::string_view ns,
                                const Object& object, absl::string_view subresource = "",
                                const WriteOptions& options = {}) {
    return DoUpdate(ref, ns, object, subresource, options);
  }

  // `body` is the patch document for `type` (JSON text; for kApply the full intent, with
  // apiVersion, kind and metadata.name).
  absl::StatusOr<Object> Patch(const ResourceRef& ref, absl::string_view ns,
                               absl::string_view name, PatchType type, absl::string_view body,
                               const PatchOptions& options = {},
                               absl::string_view subresource = "") {
    return DoPatch(ref, ns, name, type, body, options, subresource);
  }

  absl::Status Delete(const ResourceRef& ref, absl::string_view ns, absl::string_view name,
                      const DeleteOptions& options = {}) {
    return DoDelete(ref, ns, name, options);
  }

  // Streams changes to `handler` until the server ends the watch (OK: watch again from the
  // last resourceVersion seen), the handler returns false (OK), `cancel` fires (kCancelled),
  // or an error: kOutOfRange (IsResourceExpired) when `resource_version` is too old, as an
  // HTTP 410 or as an ERROR event in the stream: list again; kUnavailable on network errors.
  // `cancel` may be null.
  absl::Status Watch(const ResourceRef& ref, absl::string_view ns, const WatchOptions& options,
                     const WatchHandler& handler, Cancellation* cancel = nullptr) {
    return DoWatch(ref, ns, options, handler, cancel);
  }

 protected:
  // Implementations override these (non-virtual public methods keep default arguments out of
  // virtual functions, as the style guide asks).
  virtual absl::StatusOr<Object> DoGet(const ResourceRef& ref, absl::string_view ns,
                                       absl::string_view name) = 0;
  virtual absl::StatusOr<ObjectList> DoList(const ResourceRef& ref, absl::string_view ns,
                                            const ListOptions& options) = 0;
  virtual absl::StatusOr<Object> DoCreate(const ResourceRef& ref, absl::string_view ns,
                                          const Object& object,
                                          const WriteOptions& options) = 0;
  virtual absl::StatusOr<Object> DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                          const Object& object, absl::string_view subresource,
                                          const WriteOptions& options) = 0;
  virtual absl::StatusOr<Object> DoPatch(const ResourceRef& ref, absl::string_view ns,
                                         absl::string_view name, PatchType type,
                                         absl::string_view body, const PatchOptions& options,
                                         absl::string_view subresource) = 0;
  virtual absl::Status DoDelete(const ResourceRef& ref, absl::string_view ns,
                                absl::string_view name, const DeleteOptions& options) = 0;
  virtual absl::Status DoWatch(const ResourceRef& ref, absl::string_view ns,
                               const WatchOptions& options, const WatchHandler& handler,
                               Cancellation* cancel) = 0;
};

// ---- Helpers on any KubeClient.

// Every page of a list. If a continue token expires between pages (410), the list starts
// over once, as the API conventions require ("the client must restart the list").
// `options.limit` is the page size (0: one request).
absl::StatusOr<ObjectList> ListAll(KubeClient& client, const ResourceRef& ref,
                                   absl::string_view ns, ListOptions options = {});

// PUT /status: writes object.status only (the status subresource ignores spec changes).
absl::StatusOr<Object> UpdateStatus(KubeClient& client, const ResourceRef& ref,
                                    absl::string_view ns, const Object& object);

// Server-side apply of `intent` (apiVersion, kind and metadata.name are filled in from `ref`
// when missing). Idempotent: applying the same intent again changes nothing. With `force`,
// fields owned by other managers are taken over (what a controller does, per the
// server-side apply docs); without it such a conflict is kFailedPrecondition.
absl::StatusOr<Object> Apply(KubeClient& client, const ResourceRef& ref, absl::string_view ns,
                             Object intent, absl::string_view field_manager, bool force = true,
                             absl::string_view subresource = "");

// Apply to the status subresource: `intent` holds the status fields this manager owns.
absl::StatusOr<Object> ApplyStatus(KubeClient& client, const ResourceRef& ref,
                                   absl::string_view ns, Object intent,
                                   absl::string_view field_manager, bool force = true);

// metadata.name / namespace / resourceVersion / uid of an object ("" when absent).
std::string NameOf(const Object& object);
std::string NamespaceOf(const Object& object);
std::string ResourceVersionOf(const Object& object);
std::string UidOf(const Object& object);
// ObjectKeyOf(namespace, name).
std::string KeyOf(const Object& object);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_KUBE_CLIENT_H_
