// An in-memory KubeClient for unit tests of code that talks to Kubernetes (reconcilers, the
// Kubernetes source and stores), so they run without a control plane. It behaves as the API
// server does in the ways our code depends on, and the conformance suite (conformance.cc)
// checks exactly that by running the same cases against it (kubeclient_tests) and against a real
// kube-apiserver (kubeclient_cluster_test). Answers are built with StatusFromHttp from the same
// Status bodies the API server sends, so codes, reasons and payloads match.
//
// Emulated: resourceVersion (one cluster-wide counter), uid, generation (bumped by spec
// changes), creationTimestamp; optimistic concurrency (409 Conflict); AlreadyExists; delete
// preconditions; the status subresource for auth.nauthera.io kinds (status ignored on create
// and main-resource updates, spec ignored on /status); Secret stringData → data; label
// selectors (=, ==, !=, exists, !exists) and metadata.name / metadata.namespace field
// selectors; limit/continue paging; merge patch, JSON patch, strategic merge (as a merge patch)
// and server-side apply (as create-or-merge; field ownership and its conflicts are not);
// no-op writes keep the resourceVersion; watches with bookmarks and 410 after Compact().
// Not emulated: schema validation, admission, RBAC, finalizers and garbage collection.
#ifndef NAUTHERA_TESTS_KUBE_FAKE_KUBE_CLIENT_H_
#define NAUTHERA_TESTS_KUBE_FAKE_KUBE_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube::testing {

class FakeKubeClient : public KubeClient {
 public:
  FakeKubeClient() = default;

  // Forgets every change so far, as etcd compaction does: a watch or a continue token from
  // an older resourceVersion is then expired (410).
  void Compact();

  // The current resourceVersion.
  int64_t resource_version() const;

 protected:
  absl::StatusOr<Object> DoGet(const ResourceRef& ref, absl::string_view ns,
                               absl::string_view name) override;
  absl::StatusOr<ObjectList> DoList(const ResourceRef& ref, absl::string_view ns,
                                    const ListOptions& options) override;
  absl::StatusOr<Object> DoCreate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, const WriteOptions& options) override;
  absl::StatusOr<Object> DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, absl::string_view subresource,
                                  const WriteOptions& options) override;
  absl::StatusOr<Object> DoPatch(const ResourceRef& ref, absl::string_view ns,
                                 absl::string_view name, PatchType type, absl::string_view body,
                                 const PatchOptions& options,
                                 absl::string_view subresource) override;
  absl::Status DoDelete(const ResourceRef& ref, absl::string_view ns, absl::string_view name,
                        const DeleteOptions& options) override;
  absl::Status DoWatch(const ResourceRef& ref, absl::string_view ns, const WatchOptions& options,
                       const WatchHandler& handler, Cancellation* cancel) override;

 private:
  struct Change {
    int64_t version;
    std::string resource;  // ResourceId()
    WatchEventType type;
    Object object;
  };
  using Store = std::map<std::string, Object>;  // by "namespace/name"

  static std::string ResourceId(const ResourceRef& ref);
  Store& StoreOf(const ResourceRef& ref) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Object> CreateLocked(const ResourceRef& ref, absl::string_view ns,
                                      Object object) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores `object` as the new state of an existing object: keeps what the server owns,
  // applies subresource rules, bumps generation and resourceVersion unless nothing changed.
  absl::StatusOr<Object> ReplaceLocked(const ResourceRef& ref, const std::string& key,
                                       Object object, absl::string_view subresource)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RecordLocked(const ResourceRef& ref, WatchEventType type, const Object& object)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Store> stores_ ABSL_GUARDED_BY(mu_);
  std::vector<Change> changes_ ABSL_GUARDED_BY(mu_);
  int64_t version_ ABSL_GUARDED_BY(mu_) = 100;
  int64_t compacted_ ABSL_GUARDED_BY(mu_) = 0;  // versions <= this are forgotten
  int64_t next_uid_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_FAKE_KUBE_CLIENT_H_
