// Renders object statuses for people: a kubectl-like table (status.txt) and JSON
// (status.json, /status) shaped like Kubernetes status conditions.
#ifndef NAUTHERA_CONTROLLER_STATUS_STATUS_REPORT_H_
#define NAUTHERA_CONTROLLER_STATUS_STATUS_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "controller/api/kinds.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

// Orders rows as the table shows them: policies, then namespaces, service accounts, clients,
// then broken documents; each by namespace and name.
void SortStatuses(std::vector<ObjectStatus>& statuses);

// Columns KIND NAMESPACE NAME READY REASON CLIENT ID MESSAGE, padded like kubectl get.
std::string RenderStatusTable(const std::vector<ObjectStatus>& statuses,
                              absl::string_view state_version);

// {"stateVersion": "...", "objects": [{"kind", "namespace", "name", "clientId",
//  "credentialsSecretRef", "source", "served", "governs", "conditions": [{"type": "Ready",
//  "status": "True", "reason", "message"}]}]}
std::string RenderStatusJson(const std::vector<ObjectStatus>& statuses,
                             absl::string_view state_version);

// The client ids a status.json written by RenderStatusJson records, by object. A restarted
// controller uses them to tell a Secret deleted by hand from a new object. Unreadable text
// gives an empty map.
std::map<ObjectKey, std::string> ClientIdsFromStatusJson(absl::string_view json);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_STATUS_STATUS_REPORT_H_
