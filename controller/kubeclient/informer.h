// Informer: a local cache of one resource (optionally one namespace, one selector) kept up to
// date by list-then-watch, as client-go's reflector + store do. Level-based (STYLE.md,
// controller-runtime): the handler gets only the KEY of what changed and reads the current
// state from the cache (Get(key), nullopt when deleted), never the event.
//
//   1. List (paged, a consistent read) and replace the cache; report every key that is new,
//      changed (resourceVersion) or gone — after a gap, deletes that happened while we were
//      away are found here, since no DELETED event will ever come for them.
//   2. Watch from the list's resourceVersion with allowWatchBookmarks=true; apply each event,
//      remember the newest resourceVersion (bookmarks advance it without an object).
//   3. The server ended the watch (timeoutSeconds, a restart): watch again from the newest
//      resourceVersion. 410 Gone (as an HTTP status or an ERROR event): that version is
//      compacted away; go to 1. Network errors, 5xx, 429: retry with backoff (Retry-After).
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_INFORMER_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_INFORMER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "controller/kubeclient/cancellation.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubeclient/resource_ref.h"

namespace nauthera::controller::kube {

struct InformerOptions {
  ResourceRef ref;
  std::string ns;  // "" for all namespaces (and for cluster-scoped resources)
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  // The server ends each watch after this; we then watch again from where we were.
  int watch_timeout_seconds = 300;
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
};

struct InformerStats {
  int lists = 0;    // successful lists (1 + relists)
  int watches = 0;  // watches started
  int expired = 0;  // 410 Gone answers (HTTP status or ERROR event)
  int bookmarks = 0;  // BOOKMARK events
  int errors = 0;   // other failed lists and watches
};

class Informer {
 public:
  // Called on the informer's thread with the key ("namespace/name" or "name") of each object
  // added, changed or deleted; it must not block for long (hand the key to a work queue).
  using ChangeHandler = std::function<void(const std::string& key)>;

  // `client` must outlive the informer.
  Informer(KubeClient* client, InformerOptions options, ChangeHandler handler);
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Runs the loop on a thread of its own. REQUIRES: called once.
  void Start();
  // Ends the loop (interrupting a quiet watch) and joins the thread.
  void Stop();

  // True once the first list has been applied.
  bool HasSynced() const;
  bool WaitForSync(absl::Duration timeout) const;

  std::optional<Object> Get(const std::string& key) const;
  std::vector<std::string> Keys() const;  // sorted
  // The newest resourceVersion applied.
  std::string resource_version() const;
  InformerStats stats() const;

 private:
  void Run();
  absl::Status Relist();
  absl::Status WatchOnce(bool* progressed);
  bool OnEvent(const WatchEvent& event);
  void Notify(const std::vector<std::string>& keys);

  KubeClient* const client_;
  const InformerOptions options_;
  const ChangeHandler handler_;
  Cancellation cancel_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  std::map<std::string, Object> cache_ ABSL_GUARDED_BY(mu_);
  std::string resource_version_ ABSL_GUARDED_BY(mu_);
  bool synced_ ABSL_GUARDED_BY(mu_) = false;
  InformerStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_INFORMER_H_
