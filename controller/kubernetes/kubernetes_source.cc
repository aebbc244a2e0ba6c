#include "controller/kubernetes/kubernetes_source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/object_convert.h"

namespace nauthera::controller {
namespace {

const kube::ResourceRef& RefFor(Kind kind) {
  switch (kind) {
    case Kind::kOidcClient: return kube::refs::OidcClients();
    case Kind::kServiceAccount: return kube::refs::NautheraServiceAccounts();
    case Kind::kClusterAuthPolicy: return kube::refs::ClusterAuthPolicies();
    case Kind::kAuthPolicy: return kube::refs::AuthPolicies();
    case Kind::kNautheraUser: return kube::refs::NautheraUsers();
    case Kind::kSecret: return kube::refs::Secrets();
    case Kind::kNamespace: break;
  }
  return kube::refs::Namespaces();
}

// How long a build waits for new password-Secret watches to list (a Secret it may not read
// never lists: its user is then built without a hash, as if the Secret were missing).
constexpr absl::Duration kSecretSyncWait = absl::Seconds(5);

constexpr Kind kWatchedKinds[] = {Kind::kNamespace,         Kind::kOidcClient,
                                  Kind::kServiceAccount,    Kind::kClusterAuthPolicy,
                                  Kind::kAuthPolicy,        Kind::kNautheraUser};

}  // namespace

KubernetesSource::KubernetesSource(kube::KubeClient* client, Options options)
    : client_(client), options_(std::move(options)) {
  // Nothing is known before the first Refresh(): never let that look like a complete,
  // empty cluster (garbage collection would delete every credentials Secret).
  current_.complete = false;
  for (Kind kind : kWatchedKinds) {
    kube::InformerOptions informer_options;
    informer_options.ref = RefFor(kind);
    if (IsNamespaced(kind)) informer_options.ns = options_.watch_namespace;
    if (kind == Kind::kNamespace && !options_.watch_namespace.empty()) {
      informer_options.field_selector = absl::StrCat("metadata.name=", options_.watch_namespace);
    }
    auto informer = std::make_unique<kube::Informer>(
        client_, informer_options, [this](const std::string&) { MarkDirty(); });
    informer->Start();
    informers_[kind] = std::move(informer);
  }
}

KubernetesSource::~KubernetesSource() {
  for (auto& [key, informer] : secrets_) informer->Stop();
  for (auto& [kind, informer] : informers_) informer->Stop();
}

kube::Informer* KubernetesSource::InformerFor(Kind kind) const {
  auto it = informers_.find(kind);
  return it == informers_.end() ? nullptr : it->second.get();
}

bool KubernetesSource::Synced() const {
  for (const auto& [kind, informer] : informers_) {
    if (!informer->HasSynced()) return false;
  }
  for (const auto& [key, informer] : secrets_) {
    if (!informer->HasSynced()) return false;
  }
  return true;
}

std::optional<kube::Object> KubernetesSource::Raw(const ObjectKey& key) const {
  if (key.kind == Kind::kSecret) {
    auto it = secrets_.find({key.ns, key.name});
    if (it == secrets_.end()) return std::nullopt;
    return it->second->Get(kube::ObjectKeyOf(key.ns, key.name));
  }
  kube::Informer* informer = InformerFor(key.kind);
  if (informer == nullptr) return std::nullopt;
  return informer->Get(kube::ObjectKeyOf(key.ns, key.name));
}

bool KubernetesSource::SyncSecretInformers() {
  // The Secrets the current NautheraUsers name (namespace defaults as in local mode).
  bool started = false;
  std::set<std::pair<std::string, std::string>> wanted;
  for (const ApiObject& object : current_.objects) {
    const NautheraUserSpec* user = object.As<NautheraUserSpec>();
    if (user == nullptr || !user->password_secret_ref) continue;
    const std::string& ns = user->password_secret_ref->ns;
    if (!options_.watch_namespace.empty() && ns != options_.watch_namespace &&
        ns != options_.own_namespace) {
      continue;
    }
    wanted.insert({user->password_secret_ref->ns, user->password_secret_ref->name});
  }
  for (auto it = secrets_.begin(); it != secrets_.end();) {
    if (wanted.count(it->first) > 0) {
      ++it;
      continue;
    }
    it->second->Stop();
    it = secrets_.erase(it);
    dirty_ = true;
  }
  for (const auto& key : wanted) {
    if (secrets_.count(key) > 0 || key.first.empty() || key.second.empty()) continue;
    kube::InformerOptions informer_options;
    informer_options.ref = kube::refs::Secrets();
    informer_options.ns = key.first;
    informer_options.field_selector = absl::StrCat("metadata.name=", key.second);
    auto informer = std::make_unique<kube::Informer>(
        client_, informer_options, [this](const std::string&) { MarkDirty(); });
    informer->Start();
    secrets_[key] = std::move(informer);
    dirty_ = true;
    started = true;
  }
  return started;
}

void KubernetesSource::Rebuild() {
  SourceState previous = std::move(current_);
  current_ = SourceState{};
  std::map<ObjectKey, const ApiObject*> last_good;
  for (const ApiObject& object : previous.objects) last_good[object.Key()] = &object;
  auto take = [&](Kind kind, const kube::Object& raw) {
    DecodedFile decoded = DecodeApiObject(kind, raw);
    for (ApiObject& object : decoded.objects) current_.objects.push_back(std::move(object));
    for (DecodeError& error : decoded.errors) {
      if (error.key) {
        // Broken now: its last good version stays in effect, with the error on its status.
        auto good = last_good.find(*error.key);
        if (good != last_good.end()) current_.objects.push_back(*good->second);
      } else {
        current_.complete = false;
      }
      current_.errors.push_back(std::move(error));
    }
  };
  for (const auto& [kind, informer] : informers_) {
    if (!informer->HasSynced()) current_.complete = false;
    for (const std::string& key : informer->Keys()) {
      std::optional<kube::Object> raw = informer->Get(key);
      if (raw) take(kind, *raw);
    }
  }
  for (const auto& [ref, informer] : secrets_) {
    if (!informer->HasSynced()) current_.complete = false;
    for (const std::string& key : informer->Keys()) {
      std::optional<kube::Object> raw = informer->Get(key);
      if (raw) take(Kind::kSecret, *raw);
    }
  }
  std::sort(current_.objects.begin(), current_.objects.end(),
            [](const ApiObject& a, const ApiObject& b) { return a.Key() < b.Key(); });
}

bool KubernetesSource::Refresh() {
  bool synced = Synced();
  bool changed = dirty_.exchange(false) || first_ || synced != was_synced_;
  first_ = false;
  was_synced_ = synced;
  if (!changed) return false;
  Rebuild();
  // The users may name other Secrets now: watch them, and build again once those watches
  // have listed, so that no user is ever built (and served, and given a status) without the
  // hash its Secret holds -- after a start every user would flap to NoPassword otherwise.
  // Never return without a build: the caller reconciles Current() (the first time always).
  if (SyncSecretInformers()) {
    absl::Time deadline = absl::Now() + kSecretSyncWait;
    for (const auto& [key, informer] : secrets_) {
      informer->WaitForSync(std::max(deadline - absl::Now(), absl::ZeroDuration()));
    }
    Rebuild();
  }
  return true;
}

}  // namespace nauthera::controller
