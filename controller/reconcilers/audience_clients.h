// Policy spec.audienceClients: the client ids of named OidcClients join the `aud` of access
// tokens of every client the policy governs. This is how a CI token minted for a service
// account is accepted by a kube-apiserver whose --oidc-client-id is the kubectl client's
// generated id (RFC 9068 §3: aud names the resource servers; kube-apiserver requires its
// --oidc-client-id among them) — nobody copies a generated id into a policy by hand.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_AUDIENCE_CLIENTS_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_AUDIENCE_CLIENTS_H_

#include <map>
#include <string>
#include <vector>

#include "controller/api/types.h"
#include "controller/reconcilers/servable_client.h"

namespace nauthera::controller {

// OidcClient (namespace, name) -> its client_id, for every client that has credentials.
using ClientIdIndex = std::map<ClientRef, std::string>;

// Adds to each client's policy.audiences the ids of its policy.audience_clients that exist
// in `ids` (kept sorted and unique; the token server drops a repeat of the client's own id).
void AddAudienceClientIds(const ClientIdIndex& ids, std::vector<ServableClient>& clients);

// The refs of `spec` that `ids` does not hold, e.g. {"nauthera-system/kubectl"}.
std::vector<std::string> MissingAudienceClients(const PolicySpec& spec, const ClientIdIndex& ids);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_AUDIENCE_CLIENTS_H_
