// `<name>-credentials` Secrets in the owner's namespace, through the Kubernetes API:
//   labels      app.kubernetes.io/managed-by: nauthera
//   annotations auth.nauthera.io/owner: <Kind>/<name>
//   ownerReferences [{the OidcClient / NautheraServiceAccount, uid, controller: true,
//                     blockOwnerDeletion: true}]  -> kube-controller-manager's garbage
//                     collector deletes the Secret with its owner
//   data        client_id (+ client_secret)
// Reads come from a watch cache of the managed Secrets, confirmed by a quorum GET before
// anything is made, so a Secret just written (not yet in the cache) is never made twice; until
// the watch delivers what this store wrote or deleted, reads of that Secret go to the API
// server (read your own writes).
// Creation is a plain create (409 AlreadyExists: someone else made it; re-read next pass);
// updates carry the resourceVersion read (409 Conflict: re-read). Writes happen only while
// `is_leader` says so; other replicas only read what the leader wrote.
// A Secret deleted by hand is made again with new values and a Warning Event on its owner
// (reason CredentialsRecreated) says so.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_CREDENTIAL_STORE_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_CREDENTIAL_STORE_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "controller/kubeclient/informer.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/reconcilers/credential_store.h"

namespace nauthera::controller {

inline constexpr absl::string_view kFieldManager = "nauthera-controller";

class KubernetesCredentialStore : public CredentialStore {
 public:
  struct Options {
    std::string watch_namespace;  // "" = all namespaces
    // The owner object as the API server sent it (for its uid and status.clientId).
    std::function<std::optional<kube::Object>(const ObjectKey&)> owner_lookup;
    std::function<bool()> is_leader;
    std::string identity;  // reportingInstance of Events
  };

  // `client` must outlive the store. Starts the watch of managed Secrets.
  KubernetesCredentialStore(kube::KubeClient* client, Options options);
  ~KubernetesCredentialStore() override;

  absl::StatusOr<std::optional<Credentials>> Read(const ObjectKey& owner) override;
  absl::Status Write(const ObjectKey& owner, const Credentials& credentials) override;
  absl::StatusOr<std::vector<ObjectKey>> ListOwners() override;
  absl::Status Delete(const ObjectKey& owner) override;
  std::string Reference(const ObjectKey& owner) const override;
  std::string ChangeToken() override;

  bool Synced() const { return informer_->HasSynced(); }

 private:
  // The Secret of `owner`: from the cache, else a quorum GET. nullopt when it does not exist.
  absl::StatusOr<std::optional<kube::Object>> Fetch(const ObjectKey& owner);
  kube::Object Build(const ObjectKey& owner, const kube::Object& owner_object,
                     const Credentials& credentials) const;
  // Remembers what this store wrote (its resourceVersion; nullopt: deleted) until the watch
  // cache shows it, so Read and Write never act on a Secret older than their own last write.
  void Wrote(const ObjectKey& owner, std::optional<std::string> resource_version);
  struct PendingWrite {
    std::optional<std::string> resource_version;  // nullopt: deleted
    absl::Time until;                             // trust the cache again after this
  };
  static bool CacheCaughtUp(const PendingWrite& written,
                            const std::optional<kube::Object>& cached);
  void RecordRecreated(const ObjectKey& owner, const kube::Object& owner_object,
                       const std::string& old_client_id, const std::string& new_client_id);

  kube::KubeClient* const client_;
  const Options options_;
  std::unique_ptr<kube::Informer> informer_;
  std::atomic<uint64_t> changes_{0};
  // client_id last read per owner, to tell "deleted by hand" from "new".
  std::map<ObjectKey, std::string> seen_;
  // Secret key ("ns/name") -> what this store last wrote there, until the cache has it.
  std::map<std::string, PendingWrite> pending_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_KUBERNETES_CREDENTIAL_STORE_H_
