#include "controller/reconcilers/audience_clients.h"

#include <set>

namespace nauthera::controller {

void AddAudienceClientIds(const ClientIdIndex& ids, std::vector<ServableClient>& clients) {
  for (ServableClient& client : clients) {
    if (client.policy.audience_clients.empty()) continue;
    std::set<std::string> audiences(client.policy.audiences.begin(),
                                    client.policy.audiences.end());
    for (const ClientRef& ref : client.policy.audience_clients) {
      auto it = ids.find(ref);
      if (it != ids.end()) audiences.insert(it->second);
    }
    client.policy.audiences.assign(audiences.begin(), audiences.end());
  }
}

std::vector<std::string> MissingAudienceClients(const PolicySpec& spec, const ClientIdIndex& ids) {
  std::vector<std::string> missing;
  if (!spec.audience_clients) return missing;
  for (const ClientRef& ref : *spec.audience_clients) {
    if (ids.count(ref) == 0) missing.push_back(ref.ToString());
  }
  return missing;
}

}  // namespace nauthera::controller
