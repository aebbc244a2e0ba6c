#include "controller/kubernetes/kubernetes_credential_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/encoding/base64.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/kubeclient/events.h"
#include "controller/kubeclient/object_fields.h"
#include "controller/kubeclient/resource_ref.h"

namespace nauthera::controller {
namespace {

std::string OwnerAnnotation(const ObjectKey& owner) {
  return absl::StrCat(KindName(owner.kind), "/", owner.name);
}

using kube::StringAt;

// The uid of the controller ownerReference, or "".
std::string ControllerOwnerUid(const kube::Object& secret) {
  const kube::Object* meta = kube::ObjectAt(secret, {"metadata"});
  if (meta == nullptr || !meta->contains("ownerReferences") ||
      !(*meta)["ownerReferences"].is_array()) {
    return "";
  }
  for (const kube::Object& ref : (*meta)["ownerReferences"]) {
    if (kube::BoolAt(ref, {"controller"})) return StringAt(ref, {"uid"});
  }
  return "";
}

}  // namespace

KubernetesCredentialStore::KubernetesCredentialStore(kube::KubeClient* client, Options options)
    : client_(client), options_(std::move(options)) {
  kube::InformerOptions informer_options;
  informer_options.ref = kube::refs::Secrets();
  informer_options.ns = options_.watch_namespace;
  informer_options.label_selector = absl::StrCat(kManagedByLabel, "=", kManagedByValue);
  informer_ = std::make_unique<kube::Informer>(client_, informer_options,
                                               [this](const std::string&) { ++changes_; });
  informer_->Start();
}

KubernetesCredentialStore::~KubernetesCredentialStore() { informer_->Stop(); }

std::string KubernetesCredentialStore::Reference(const ObjectKey& owner) const {
  return absl::StrCat(owner.ns, "/", CredentialsSecretName(owner.name));
}

std::string KubernetesCredentialStore::ChangeToken() {
  // A new leader must act on what the old one left: leadership is part of the token.
  return absl::StrCat(changes_.load(), options_.is_leader() ? ":leader" : ":follower");
}

absl::StatusOr<std::optional<kube::Object>> KubernetesCredentialStore::Fetch(
    const ObjectKey& owner) {
  std::string name = CredentialsSecretName(owner.name);
  std::string key = kube::ObjectKeyOf(owner.ns, name);
  std::optional<kube::Object> cached = informer_->Get(key);
  // Read your own writes: until the watch has delivered what this store last wrote or
  // deleted, the cache is older than the API server, so ask the API server.
  auto pending = pending_.find(key);
  if (pending != pending_.end()) {
    if (CacheCaughtUp(pending->second, cached)) {
      pending_.erase(pending);
    } else {
      cached.reset();
    }
  }
  if (cached) return cached;
  absl::StatusOr<kube::Object> live = client_->Get(kube::refs::Secrets(), owner.ns, name);
  if (absl::IsNotFound(live.status())) return std::optional<kube::Object>();
  if (!live.ok()) return live.status();
  return std::optional<kube::Object>(*std::move(live));
}

bool KubernetesCredentialStore::CacheCaughtUp(const PendingWrite& written,
                                              const std::optional<kube::Object>& cached) {
  // A watch that has not delivered our write in this long is re-listing or broken; the
  // cache is trusted again rather than every read becoming a GET (reads stay correct: the
  // quorum GET before a create and the resourceVersion of every update still hold).
  if (absl::Now() > written.until) return true;
  if (!written.resource_version) return !cached;  // deleted: caught up once it is gone
  return cached && kube::ResourceVersionOf(*cached) == *written.resource_version;
}

void KubernetesCredentialStore::Wrote(const ObjectKey& owner,
                                      std::optional<std::string> resource_version) {
  ++changes_;
  pending_[kube::ObjectKeyOf(owner.ns, CredentialsSecretName(owner.name))] =
      PendingWrite{std::move(resource_version), absl::Now() + absl::Minutes(1)};
}

absl::StatusOr<std::optional<Credentials>> KubernetesCredentialStore::Read(
    const ObjectKey& owner) {
  ASSIGN_OR_RETURN(std::optional<kube::Object> secret, Fetch(owner));
  if (!secret) return std::optional<Credentials>();
  std::string ref = Reference(owner);
  auto conflict = [&](absl::string_view why) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the Secret ", ref, " ", why,
        "; Nauthera will not overwrite it. Fix it, or delete it to get new credentials"));
  };
  // 1. Ours, and this owner's.
  if (StringAt(*secret, {"metadata", "labels", std::string(kManagedByLabel).c_str()}) !=
          kManagedByValue ||
      StringAt(*secret, {"metadata", "annotations", std::string(kOwnerAnnotation).c_str()}) !=
          OwnerAnnotation(owner)) {
    return conflict("was not made by Nauthera for this object (no managed-by label or owner "
                    "annotation)");
  }
  std::optional<kube::Object> owner_object = options_.owner_lookup(owner);
  std::string owner_uid = owner_object ? kube::UidOf(*owner_object) : "";
  std::string secret_owner_uid = ControllerOwnerUid(*secret);
  if (!owner_uid.empty() && !secret_owner_uid.empty() && owner_uid != secret_owner_uid) {
    // Left by an earlier object of the same name: its credentials die with it.
    if (!options_.is_leader()) {
      return absl::UnavailableError(absl::StrCat(
          "the Secret ", ref, " belongs to an earlier object of this name; the leader replaces "
          "it"));
    }
    kube::DeleteOptions precondition;
    precondition.precondition_uid = kube::UidOf(*secret);
    absl::Status deleted = client_->Delete(kube::refs::Secrets(), owner.ns,
                                           CredentialsSecretName(owner.name), precondition);
    if (!deleted.ok() && !absl::IsNotFound(deleted)) return deleted;
    LogInfo("deleted the credentials of an earlier object of the same name",
            {{"object", owner.ToString()}, {"secret", ref}});
    Wrote(owner, std::nullopt);
    seen_.erase(owner);
    return std::optional<Credentials>();
  }
  // 2. The values.
  auto value = [&](const char* key) -> absl::StatusOr<std::optional<std::string>> {
    std::string encoded = StringAt(*secret, {"data", key});
    if (encoded.empty()) return std::optional<std::string>();
    ASSIGN_OR_RETURN(std::string decoded, Base64Decode(encoded));
    return std::optional<std::string>(std::move(decoded));
  };
  absl::StatusOr<std::optional<std::string>> id = value("client_id");
  if (!id.ok() || !*id || (*id)->empty()) return conflict("has no data.client_id");
  absl::StatusOr<std::optional<std::string>> client_secret = value("client_secret");
  if (!client_secret.ok()) return conflict("has a data.client_secret that is not base64");
  Credentials credentials;
  credentials.client_id = **id;
  credentials.client_secret = *client_secret;
  seen_[owner] = credentials.client_id;
  return std::optional<Credentials>(std::move(credentials));
}

kube::Object KubernetesCredentialStore::Build(const ObjectKey& owner,
                                              const kube::Object& owner_object,
                                              const Credentials& credentials) const {
  kube::Object secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"type", "Opaque"},
      {"metadata",
       {{"name", CredentialsSecretName(owner.name)},
        {"namespace", owner.ns},
        {"labels", {{std::string(kManagedByLabel), std::string(kManagedByValue)}}},
        {"annotations", {{std::string(kOwnerAnnotation), OwnerAnnotation(owner)}}},
        {"ownerReferences",
         kube::Object::array({{{"apiVersion", std::string(kNautheraApiVersion)},
                               {"kind", std::string(KindName(owner.kind))},
                               {"name", owner.name},
                               {"uid", kube::UidOf(owner_object)},
                               {"controller", true},
                               {"blockOwnerDeletion", true}}})}}},
      {"data", {{"client_id", Base64Encode(credentials.client_id)}}}};
  if (credentials.client_secret) {
    secret["data"]["client_secret"] = Base64Encode(*credentials.client_secret);
  }
  return secret;
}

void KubernetesCredentialStore::RecordRecreated(const ObjectKey& owner,
                                                const kube::Object& owner_object,
                                                const std::string& old_client_id,
                                                const std::string& new_client_id) {
  kube::EventSpec event;
  event.regarding = kube::ReferenceTo(owner_object);
  // List items may come without their type.
  event.regarding["apiVersion"] = std::string(kNautheraApiVersion);
  event.regarding["kind"] = std::string(KindName(owner.kind));
  event.type = "Warning";
  event.reason = "CredentialsRecreated";
  event.action = "Reconcile";
  event.note = absl::StrCat("The Secret ", Reference(owner), " was deleted; made new "
                            "credentials (client_id ", new_client_id, ", was ", old_client_id,
                            "). The old client_id and client_secret no longer work: update "
                            "every consumer.");
  event.reporting_instance = options_.identity;
  absl::StatusOr<kube::Object> created = kube::CreateEvent(*client_, event);
  if (!created.ok()) {
    LogWarning("could not record an Event", {{"object", owner.ToString()},
                                             {"error", std::string(created.status().message())}});
  }
}

absl::Status KubernetesCredentialStore::Write(const ObjectKey& owner,
                                              const Credentials& credentials) {
  if (!options_.is_leader()) {
    return absl::UnavailableError(absl::StrCat(
        "waiting for the leader to write the Secret ", Reference(owner),
        " (this replica is not the leader)"));
  }
  std::optional<kube::Object> owner_object = options_.owner_lookup(owner);
  if (!owner_object || kube::UidOf(*owner_object).empty()) {
    return absl::UnavailableError(absl::StrCat(owner.ToString(), " is not in the cache yet"));
  }
  kube::Object secret = Build(owner, *owner_object, credentials);
  ASSIGN_OR_RETURN(std::optional<kube::Object> existing, Fetch(owner));
  kube::WriteOptions write_options;
  write_options.field_manager = std::string(kFieldManager);
  if (existing) {
    // Optimistic concurrency: 409 Conflict if it changed since it was read.
    secret["metadata"]["resourceVersion"] = kube::ResourceVersionOf(*existing);
    absl::StatusOr<kube::Object> updated =
        client_->Update(kube::refs::Secrets(), owner.ns, secret, "", write_options);
    if (!updated.ok()) return updated.status();
    Wrote(owner, kube::ResourceVersionOf(*updated));
    return absl::OkStatus();
  }
  absl::StatusOr<kube::Object> created =
      client_->Create(kube::refs::Secrets(), owner.ns, secret, write_options);
  if (!created.ok()) return created.status();
  Wrote(owner, kube::ResourceVersionOf(*created));
  // Made before, or its owner's status names a client id: it was deleted by hand.
  std::string old_client_id = StringAt(*owner_object, {"status", "clientId"});
  auto seen = seen_.find(owner);
  if (seen != seen_.end()) old_client_id = seen->second;
  if (!old_client_id.empty() && old_client_id != credentials.client_id) {
    RecordRecreated(owner, *owner_object, old_client_id, credentials.client_id);
  }
  seen_[owner] = credentials.client_id;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ObjectKey>> KubernetesCredentialStore::ListOwners() {
  std::vector<ObjectKey> owners;
  // Forget the writes the watch has delivered (an owner deleted for good is never read again).
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = CacheCaughtUp(it->second, informer_->Get(it->first)) ? pending_.erase(it) : std::next(it);
  }
  if (!options_.is_leader() || !informer_->HasSynced()) return owners;
  for (const std::string& key : informer_->Keys()) {
    std::optional<kube::Object> secret = informer_->Get(key);
    if (!secret) continue;
    std::string annotation =
        StringAt(*secret, {"metadata", "annotations", std::string(kOwnerAnnotation).c_str()});
    std::vector<std::string> parts = absl::StrSplit(annotation, absl::MaxSplits('/', 1));
    if (parts.size() != 2) continue;
    std::optional<Kind> kind = KindFromName(parts[0]);
    if (!kind || !IsClientKind(*kind)) continue;
    ObjectKey owner{*kind, kube::NamespaceOf(*secret), parts[1]};
    // Only a Secret at exactly the name its owner maps to is ours to delete.
    if (kube::NameOf(*secret) == CredentialsSecretName(owner.name)) owners.push_back(owner);
  }
  return owners;
}

absl::Status KubernetesCredentialStore::Delete(const ObjectKey& owner) {
  if (!options_.is_leader()) return absl::OkStatus();
  absl::Status deleted =
      client_->Delete(kube::refs::Secrets(), owner.ns, CredentialsSecretName(owner.name));
  if (absl::IsNotFound(deleted)) deleted = absl::OkStatus();
  if (deleted.ok()) {
    Wrote(owner, std::nullopt);
    seen_.erase(owner);
  }
  return deleted;
}

}  // namespace nauthera::controller
