#include "controller/kubernetes/kubernetes_key_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/encoding/base64.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/kube/resource_ref.h"
#include "controller/kubernetes/kubernetes_credential_store.h"

namespace nauthera::controller {
namespace {

absl::StatusOr<std::unique_ptr<KeyRing>> FromSecret(const kube::Object& secret,
                                                    const std::string& ref) {
  std::map<std::string, std::string> data;
  if (secret.contains("data") && secret["data"].is_object()) {
    for (const auto& [key, value] : secret["data"].items()) {
      if (!value.is_string()) continue;
      absl::StatusOr<std::string> decoded = Base64Decode(value.get<std::string>());
      if (decoded.ok()) data[key] = *decoded;
    }
  }
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::FromSecretData(data);
  if (!ring.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the signing key Secret ", ref, " cannot be used: ", ring.status().message(),
        ". Restore it from a backup; delete it only if every token it signed may become "
        "invalid (a new key is then made)"));
  }
  return ring;
}

absl::StatusOr<std::unique_ptr<KeyRing>> TryOnce(kube::KubeClient& client, const std::string& ns,
                                                 const std::string& ref) {
  const std::string name(kSigningKeysSecretName);
  // 1. The Secret that exists is the key set, always.
  absl::StatusOr<kube::Object> existing = client.Get(kube::refs::Secrets(), ns, name);
  if (existing.ok()) return FromSecret(*existing, ref);
  if (!absl::IsNotFound(existing.status())) return existing.status();
  // 2. None yet: make one; the first create wins.
  ASSIGN_OR_RETURN(std::unique_ptr<KeyRing> ring,
                   KeyRing::Generate(absl::ToUnixSeconds(absl::Now())));
  kube::Object secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"type", "Opaque"},
      {"metadata",
       {{"name", name},
        {"namespace", ns},
        {"labels", {{std::string(kManagedByLabel), std::string(kManagedByValue)}}},
        {"annotations",
         {{"auth.nauthera.io/note",
           "Nauthera's token signing keys and login session key. Deleting this Secret "
           "invalidates every issued token and every login session."}}}}},
      {"data", kube::Object::object()}};
  for (const auto& [key, value] : ring->ToSecretData()) secret["data"][key] = Base64Encode(value);
  kube::WriteOptions options;
  options.field_manager = std::string(kFieldManager);
  absl::StatusOr<kube::Object> created = client.Create(kube::refs::Secrets(), ns, secret, options);
  if (created.ok()) return ring;
  if (!absl::IsAlreadyExists(created.status())) return created.status();
  // 3. Another replica won the race: use its keys.
  LogInfo("another replica created the signing keys first; using them", {{"secret", ref}});
  ASSIGN_OR_RETURN(kube::Object winner, client.Get(kube::refs::Secrets(), ns, name));
  return FromSecret(winner, ref);
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreateKeySecret(kube::KubeClient& client,
                                                               const std::string& ns,
                                                               absl::Time deadline) {
  std::string ref = absl::StrCat(ns, "/", kSigningKeysSecretName);
  while (true) {
    absl::StatusOr<std::unique_ptr<KeyRing>> ring = TryOnce(client, ns, ref);
    if (ring.ok() || !absl::IsUnavailable(ring.status()) || absl::Now() > deadline) {
      if (!ring.ok()) {
        return absl::Status(ring.status().code(),
                            absl::StrCat("signing keys (Secret ", ref,
                                         "): ", ring.status().message()));
      }
      return ring;
    }
    LogWarning("cannot reach the API server for the signing keys; retrying",
               {{"error", std::string(ring.status().message())}});
    absl::SleepFor(absl::Seconds(1));
  }
}

}  // namespace nauthera::controller
