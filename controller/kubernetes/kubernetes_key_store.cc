#include "controller/kubernetes/kubernetes_key_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/encoding/base64.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/api/secret_manifest.h"
#include "controller/kubeclient/object_fields.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_credential_store.h"

namespace nauthera::controller {
namespace {

class KubernetesKeyStore : public KeyStore {
 public:
  KubernetesKeyStore(kube::KubeClient& client, std::string ns)
      : client_(client), ns_(std::move(ns)), name_(kSigningKeysSecretName) {}

  absl::StatusOr<StoredKeys> Load() override {
    ASSIGN_OR_RETURN(kube::Object secret, client_.Get(kube::refs::Secrets(), ns_, name_));
    StoredKeys stored;
    if (secret.contains("data") && secret["data"].is_object()) {
      for (const auto& [key, value] : secret["data"].items()) {
        if (!value.is_string()) continue;
        absl::StatusOr<std::string> decoded = Base64Decode(value.get<std::string>());
        if (!decoded.ok()) {
          return absl::DataLossError(absl::StrCat("data.", key, " is not base64"));
        }
        stored.data[key] = *decoded;
      }
    }
    stored.rotate_request =
        kube::StringAt(secret, {"metadata", "annotations", kRotateAnnotation});
    stored.version = kube::StringAt(secret, {"metadata", "resourceVersion"});
    last_ = std::move(secret);
    return stored;
  }

  absl::Status Save(const std::map<std::string, std::string>& data,
                    const std::string& version) override {
    kube::Object secret;
    if (version.empty()) {
      secret = {{"apiVersion", "v1"},
                {"kind", "Secret"},
                {"type", "Opaque"},
                {"metadata",
                 {{"name", name_},
                  {"namespace", ns_},
                  {"labels", {{std::string(kManagedByLabel), std::string(kManagedByValue)}}},
                  {"annotations",
                   {{"auth.nauthera.io/note",
                     "Nauthera's token signing keys and login session key. Deleting this "
                     "Secret invalidates every issued token and every login session. To "
                     "rotate the signing key, set the annotation auth.nauthera.io/rotate to "
                     "a new value."}}}}}};
    } else {
      if (last_.is_null() || kube::StringAt(last_, {"metadata", "resourceVersion"}) != version) {
        return absl::AbortedError("the key Secret changed since it was read");
      }
      secret = last_;  // labels, annotations and resourceVersion (the precondition) kept
    }
    secret["data"] = kube::Object::object();
    for (const auto& [key, value] : data) secret["data"][key] = Base64Encode(value);
    kube::WriteOptions options;
    options.field_manager = std::string(kFieldManager);
    absl::StatusOr<kube::Object> written =
        version.empty() ? client_.Create(kube::refs::Secrets(), ns_, secret, options)
                        : client_.Update(kube::refs::Secrets(), ns_, secret, "", options);
    if (!written.ok()) return written.status();
    last_ = *std::move(written);
    return absl::OkStatus();
  }

  std::string Where() const override { return absl::StrCat("secret ", ns_, "/", name_); }

 private:
  kube::KubeClient& client_;
  std::string ns_;
  std::string name_;
  kube::Object last_;  // the Secret as last read or written
};

}  // namespace

std::unique_ptr<KeyStore> MakeKubernetesKeyStore(kube::KubeClient& client, const std::string& ns) {
  return std::make_unique<KubernetesKeyStore>(client, ns);
}

absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreateKeySecret(KeyStore& store,
                                                               absl::Time deadline,
                                                               absl::string_view algorithm) {
  while (true) {
    absl::StatusOr<std::unique_ptr<KeyRing>> ring =
        KeyRing::LoadOrCreate(store, absl::ToUnixSeconds(absl::Now()), algorithm);
    if (ring.ok() || !absl::IsUnavailable(ring.status()) || absl::Now() > deadline) {
      if (!ring.ok()) {
        return absl::Status(ring.status().code(),
                            absl::StrCat("signing keys (", store.Where(),
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
