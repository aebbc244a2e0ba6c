// Helpers shared by the conformance suite and the cluster test: waiting on conditions with a
// deadline, test objects, and recorders for watches, informers and leader election.
#ifndef NAUTHERA_TESTS_KUBE_KUBE_TEST_HELPERS_H_
#define NAUTHERA_TESTS_KUBE_KUBE_TEST_HELPERS_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "controller/kubeclient/informer.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubeclient/leader_elector.h"

namespace nauthera::controller::kube::testing {

// Polls `condition` until it holds or `timeout` passes; returns its last value.
inline bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return condition();
}

inline Object Secret(const std::string& name, const std::string& value,
                     const Object& labels = Object::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"stringData", {{"value", value}}}};
}

inline Object OidcClient(const std::string& name) {
  return {{"apiVersion", "auth.nauthera.io/v1alpha1"},
          {"kind", "OidcClient"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"displayName", "Web"},
            {"redirectUris", {"https://web.example/callback"}},
            {"allowedScopes", {"openid"}},
            {"grantTypes", {"authorization_code"}}}}};
}

// The events of one watch of Secrets, running on a thread of its own until destroyed.
class WatchRecorder {
 public:
  WatchRecorder(KubeClient& client, const std::string& ns, WatchOptions options) {
    thread_ = std::thread([this, &client, ns, options] {
      absl::Status status = client.Watch(
          refs::Secrets(), ns, options,
          [this](const WatchEvent& event) {
            absl::MutexLock lock(&mu_);
            seen_.push_back(absl::StrCat(WatchEventTypeName(event.type), " ", NameOf(event.object)));
            if (event.type == WatchEventType::kBookmark) {
              bookmark_version_ = std::stoll(ResourceVersionOf(event.object));
            }
            return true;
          },
          &cancel_);
      absl::MutexLock lock(&mu_);
      ended_ = status;
      done_ = true;
    });
  }
  ~WatchRecorder() {
    cancel_.Cancel();
    thread_.join();
  }
  bool Saw(const std::string& entry) const {
    absl::MutexLock lock(&mu_);
    return std::find(seen_.begin(), seen_.end(), entry) != seen_.end();
  }
  std::vector<std::string> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  bool done() const {
    absl::MutexLock lock(&mu_);
    return done_;
  }
  absl::Status ended() const {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  int64_t bookmark_version() const {
    absl::MutexLock lock(&mu_);
    return bookmark_version_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> seen_;
  int64_t bookmark_version_ = 0;
  bool done_ = false;
  absl::Status ended_;
  Cancellation cancel_;
  std::thread thread_;
};

// The keys an informer reported.
class KeyRecorder {
 public:
  void operator()(const std::string& key) {
    absl::MutexLock lock(&mu_);
    keys_.push_back(key);
  }
  bool Saw(const std::string& key) const {
    absl::MutexLock lock(&mu_);
    return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    keys_.clear();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> keys_;
};

// An informer on Secrets with short backoffs and small pages.
inline InformerOptions FastInformer(const std::string& ns) {
  InformerOptions options;
  options.ref = refs::Secrets();
  options.ns = ns;
  options.page_size = 2;  // several pages even here
  options.watch_timeout_seconds = 30;
  options.initial_backoff = absl::Milliseconds(100);
  options.max_backoff = absl::Seconds(1);
  return options;
}

// Whether the informer's cache holds exactly what `client` lists.
inline bool CacheMatches(const Informer& informer, KubeClient& client, const std::string& ns) {
  absl::StatusOr<ObjectList> list = client.List(refs::Secrets(), ns);
  if (!list.ok()) return false;
  if (informer.Keys().size() != list->items.size()) return false;
  for (const Object& item : list->items) {
    std::optional<Object> cached = informer.Get(KeyOf(item));
    if (!cached || ResourceVersionOf(*cached) != ResourceVersionOf(item)) return false;
  }
  return true;
}

// Leader election with timings shortened in client-go's ratios.
inline LeaderElectorOptions QuickElection(const std::string& ns, const std::string& identity) {
  LeaderElectorOptions options;
  options.lease_namespace = ns;
  options.lease_name = "nauthera-controller";
  options.identity = identity;
  options.lease_duration = absl::Seconds(3);
  options.renew_deadline = absl::Seconds(2);
  options.retry_period = absl::Milliseconds(400);
  return options;
}

// When a candidate started and stopped leading.
class Tenure {
 public:
  LeaderCallbacks Callbacks() {
    return {[this] {
              absl::MutexLock lock(&mu_);
              started_ = absl::Now();
            },
            [this] {
              absl::MutexLock lock(&mu_);
              stopped_ = absl::Now();
            },
            nullptr};
  }
  absl::Time started() const {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  absl::Time stopped() const {
    absl::MutexLock lock(&mu_);
    return stopped_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time started_ = absl::InfinitePast();
  absl::Time stopped_ = absl::InfinitePast();
};

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_KUBE_TEST_HELPERS_H_
