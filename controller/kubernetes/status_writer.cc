#include "controller/kubernetes/status_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/log.h"
#include "controller/kubeclient/object_fields.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/reconcilers/credential_store.h"

namespace nauthera::controller {
namespace {

// The CRDs' condition message limit.
constexpr size_t kMaxMessage = 32768;

const kube::ResourceRef* RefFor(Kind kind) {
  switch (kind) {
    case Kind::kOidcClient: return &kube::refs::OidcClients();
    case Kind::kServiceAccount: return &kube::refs::NautheraServiceAccounts();
    case Kind::kClusterAuthPolicy: return &kube::refs::ClusterAuthPolicies();
    case Kind::kAuthPolicy: return &kube::refs::AuthPolicies();
    case Kind::kNautheraUser: return &kube::refs::NautheraUsers();
    default: return nullptr;
  }
}

}  // namespace

kube::Object DesiredStatus(const ObjectStatus& row, const kube::Object& current, absl::Time now) {
  int64_t generation = kube::IntAt(current, {"metadata", "generation"});
  std::string status = row.ready ? "True" : "False";
  std::string transition = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone());
  const kube::Object* old_status = kube::ObjectAt(current, {"status"});
  if (old_status != nullptr && old_status->contains("conditions") &&
      (*old_status)["conditions"].is_array()) {
    for (const kube::Object& condition : (*old_status)["conditions"]) {
      if (kube::StringAt(condition, {"type"}) == "Ready" &&
          kube::StringAt(condition, {"status"}) == status) {
        transition = kube::StringAt(condition, {"lastTransitionTime"}, transition);
      }
    }
  }
  std::string message = row.message.empty() ? row.reason : row.message;
  if (message.size() > kMaxMessage) message.resize(kMaxMessage);
  kube::Object out = {{"observedGeneration", generation},
                      {"conditions",
                       kube::Object::array({{{"type", "Ready"},
                                             {"status", status},
                                             {"reason", row.reason.empty() ? "Unknown" : row.reason},
                                             {"message", message},
                                             {"observedGeneration", generation},
                                             {"lastTransitionTime", transition}}})}};
  std::optional<Kind> kind = KindFromName(row.kind);
  if (kind && IsClientKind(*kind)) {
    if (!row.client_id.empty()) out["clientId"] = row.client_id;
    out["credentialsSecretRef"] = {{"name", CredentialsSecretName(row.name)}};
  }
  if (kind && IsPolicyKind(*kind)) out["governedClients"] = row.governs.value_or(0);
  return out;
}

absl::Status StatusWriter::Write(const std::vector<ObjectStatus>& rows) {
  absl::Status first_error;
  absl::Time now = absl::Now();
  for (const ObjectStatus& row : rows) {
    std::optional<Kind> kind = KindFromName(row.kind);
    const kube::ResourceRef* ref = kind ? RefFor(*kind) : nullptr;
    if (ref == nullptr || row.name.empty() || row.name == "-") continue;
    if (!watch_namespace_.empty() && row.ns != watch_namespace_) continue;
    ObjectKey key{*kind, row.ns, row.name};
    std::optional<kube::Object> current = source_->Raw(key);
    if (!current) continue;  // deleted meanwhile
    kube::Object desired = DesiredStatus(row, *current, now);
    if (current->value("status", kube::Object::object()) == desired) continue;
    kube::Object updated = *current;
    updated["status"] = desired;
    absl::StatusOr<kube::Object> written = kube::UpdateStatus(*client_, *ref, row.ns, updated);
    std::string id = key.ToString();
    if (written.ok() || absl::IsAborted(written.status()) ||
        absl::IsNotFound(written.status())) {
      if (written.ok()) {
        ++writes_;
      } else {
        // Changed or deleted since it was read: the watch brings the change, and a new pass.
        LogInfo("status not written; will retry on the next change",
                {{"object", id}, {"error", std::string(written.status().message())}});
      }
      logged_errors_.erase(id);
      continue;
    }
    std::string error(written.status().message());
    if (logged_errors_[id] != error) {
      LogWarning("cannot write status", {{"object", id}, {"error", error}});
      logged_errors_[id] = error;
    }
    if (first_error.ok()) {
      first_error = absl::Status(written.status().code(),
                                 absl::StrCat("status of ", id, ": ", error));
    }
  }
  return first_error;
}

}  // namespace nauthera::controller
