// A KubeClient decorator for cluster tests that cuts a client off from the real API server on
// demand, as a network partition would: Partition() breaks every open watch and makes every
// call fail with kUnavailable until Heal(). Everything else is the real server's answer.
#ifndef NAUTHERA_TESTS_KUBE_PARTITIONABLE_CLIENT_H_
#define NAUTHERA_TESTS_KUBE_PARTITIONABLE_CLIENT_H_

#include <set>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube::testing {

class PartitionableClient : public KubeClient {
 public:
  explicit PartitionableClient(KubeClient* inner) : inner_(inner) {}

  void Partition() {
    absl::MutexLock lock(&mu_);
    partitioned_ = true;
    for (Cancellation* watch : watches_) watch->Cancel();
  }
  void Heal() {
    absl::MutexLock lock(&mu_);
    partitioned_ = false;
  }

 protected:
  absl::StatusOr<Object> DoGet(const ResourceRef& ref, absl::string_view ns,
                               absl::string_view name) override {
    if (IsPartitioned()) return Cut();
    return inner_->Get(ref, ns, name);
  }
  absl::StatusOr<ObjectList> DoList(const ResourceRef& ref, absl::string_view ns,
                                    const ListOptions& options) override {
    if (IsPartitioned()) return Cut();
    return inner_->List(ref, ns, options);
  }
  absl::StatusOr<Object> DoCreate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, const WriteOptions& options) override {
    if (IsPartitioned()) return Cut();
    return inner_->Create(ref, ns, object, options);
  }
  absl::StatusOr<Object> DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, absl::string_view subresource,
                                  const WriteOptions& options) override {
    if (IsPartitioned()) return Cut();
    return inner_->Update(ref, ns, object, subresource, options);
  }
  absl::StatusOr<Object> DoPatch(const ResourceRef& ref, absl::string_view ns,
                                 absl::string_view name, PatchType type, absl::string_view body,
                                 const PatchOptions& options,
                                 absl::string_view subresource) override {
    if (IsPartitioned()) return Cut();
    return inner_->Patch(ref, ns, name, type, body, options, subresource);
  }
  absl::Status DoDelete(const ResourceRef& ref, absl::string_view ns, absl::string_view name,
                        const DeleteOptions& options) override {
    if (IsPartitioned()) return Cut();
    return inner_->Delete(ref, ns, name, options);
  }
  absl::Status DoWatch(const ResourceRef& ref, absl::string_view ns, const WatchOptions& options,
                       const WatchHandler& handler, Cancellation* cancel) override {
    Cancellation local;
    ScopedCancelCallback forward(cancel, [&local] { local.Cancel(); });
    {
      absl::MutexLock lock(&mu_);
      if (partitioned_) return Cut();
      watches_.insert(&local);
    }
    absl::Status status = inner_->Watch(ref, ns, options, handler, &local);
    absl::MutexLock lock(&mu_);
    watches_.erase(&local);
    if (partitioned_ && (cancel == nullptr || !cancel->cancelled())) return Cut();
    return status;
  }

 private:
  static absl::Status Cut() { return absl::UnavailableError("partitioned by the test"); }
  bool IsPartitioned() {
    absl::MutexLock lock(&mu_);
    return partitioned_;
  }

  KubeClient* const inner_;
  absl::Mutex mu_;
  bool partitioned_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Cancellation*> watches_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_PARTITIONABLE_CLIENT_H_
