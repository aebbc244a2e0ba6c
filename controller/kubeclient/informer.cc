#include "controller/kubeclient/informer.h"

#include <algorithm>
#include <utility>

#include "common/util/log.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/backoff.h"

namespace nauthera::controller::kube {
namespace {
// A watch that ends sooner than this without delivering anything is treated as a failure
// for backoff, so a server that closes every watch at once is not hammered.
constexpr absl::Duration kShortWatch = absl::Seconds(1);
}  // namespace

Informer::Informer(KubeClient* client, InformerOptions options, ChangeHandler handler)
    : client_(client), options_(std::move(options)), handler_(std::move(handler)) {}

Informer::~Informer() { Stop(); }

void Informer::Start() { thread_ = std::thread([this] { Run(); }); }

void Informer::Stop() {
  cancel_.Cancel();
  if (thread_.joinable()) thread_.join();
}

bool Informer::HasSynced() const {
  absl::MutexLock lock(&mu_);
  return synced_;
}

bool Informer::WaitForSync(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto synced = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return synced_; };
  return mu_.AwaitWithTimeout(absl::Condition(&synced), timeout);
}

std::optional<Object> Informer::Get(const std::string& key) const {
  absl::MutexLock lock(&mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Informer::Keys() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> keys;
  keys.reserve(cache_.size());
  for (const auto& [key, object] : cache_) keys.push_back(key);
  return keys;
}

std::string Informer::resource_version() const {
  absl::MutexLock lock(&mu_);
  return resource_version_;
}

InformerStats Informer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void Informer::Notify(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) handler_(key);
}

void Informer::Run() {
  Backoff backoff(options_.initial_backoff, options_.max_backoff);
  bool need_list = true;
  while (!cancel_.cancelled()) {
    absl::Status status;
    bool progressed = false;
    if (need_list) {
      status = Relist();
      if (status.ok()) need_list = false;
      progressed = status.ok();
    } else {
      absl::Time started = absl::Now();
      status = WatchOnce(&progressed);
      progressed = progressed || absl::Now() - started >= kShortWatch;
    }
    if (cancel_.cancelled()) break;
    // A watch that expired lists again at once; a list that expired (its continue token, twice
    // over in ListAll) is retried with backoff like any failure, never in a tight loop.
    if (IsResourceExpired(status) && !need_list) {
      // The version we hold is compacted away: only a new list tells what changed.
      LogInfo("kube: watch expired, listing again",
              {{"resource", options_.ref.resource}, {"error", std::string(status.message())}});
      absl::MutexLock lock(&mu_);
      ++stats_.expired;
      need_list = true;
      continue;
    }
    if (!status.ok()) {
      LogWarning("kube: list/watch failed, retrying",
                 {{"resource", options_.ref.resource}, {"error", std::string(status.message())}});
      absl::MutexLock lock(&mu_);
      ++stats_.errors;
    }
    if (status.ok() && progressed) {
      backoff.Reset();
      continue;
    }
    absl::Duration delay = backoff.Next();
    if (std::optional<absl::Duration> asked = RetryAfter(status); asked && *asked > delay) {
      delay = *asked;
    }
    cancel_.SleepFor(delay);
  }
}

absl::Status Informer::Relist() {
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.field_selector = options_.field_selector;
  list_options.limit = options_.page_size;
  absl::StatusOr<ObjectList> list = ListAll(*client_, options_.ref, options_.ns, list_options);
  if (!list.ok()) return list.status();

  std::map<std::string, Object> fresh;
  for (Object& item : list->items) {
    std::string key = KeyOf(item);
    fresh.emplace(std::move(key), std::move(item));
  }
  std::vector<std::string> changed;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [key, object] : fresh) {
      auto old = cache_.find(key);
      if (old == cache_.end() || ResourceVersionOf(old->second) != ResourceVersionOf(object)) {
        changed.push_back(key);
      }
    }
    // Gone while we were not watching: no DELETED event will come for these.
    for (const auto& [key, object] : cache_) {
      if (fresh.count(key) == 0) changed.push_back(key);
    }
    std::sort(changed.begin(), changed.end());
    cache_.swap(fresh);
    resource_version_ = list->resource_version;
    synced_ = true;
    ++stats_.lists;
  }
  Notify(changed);
  return absl::OkStatus();
}

absl::Status Informer::WatchOnce(bool* progressed) {
  WatchOptions watch_options;
  watch_options.label_selector = options_.label_selector;
  watch_options.field_selector = options_.field_selector;
  watch_options.allow_bookmarks = true;
  watch_options.timeout_seconds = options_.watch_timeout_seconds;
  {
    absl::MutexLock lock(&mu_);
    watch_options.resource_version = resource_version_;
    ++stats_.watches;
  }
  return client_->Watch(
      options_.ref, options_.ns, watch_options,
      [this, progressed](const WatchEvent& event) {
        *progressed = true;
        return OnEvent(event);
      },
      &cancel_);
}

bool Informer::OnEvent(const WatchEvent& event) {
  std::string version = ResourceVersionOf(event.object);
  std::string key;
  {
    absl::MutexLock lock(&mu_);
    if (!version.empty()) resource_version_ = version;
    if (event.type == WatchEventType::kBookmark) {
      ++stats_.bookmarks;
      return !cancel_.cancelled();
    }
    key = KeyOf(event.object);
    if (event.type == WatchEventType::kDeleted) {
      cache_.erase(key);
    } else {
      cache_[key] = event.object;
    }
  }
  handler_(key);
  return !cancel_.cancelled();
}

}  // namespace nauthera::controller::kube
