#include "tokenserver/oauth/grant_types.h"

#include "absl/algorithm/container.h"

namespace nauthera {

bool ClientMayUseGrant(const v1::Client& client, absl::string_view grant_type) {
  auto has = [&](const auto& list) { return absl::c_find(list, grant_type) != list.end(); };
  return has(client.grant_types()) && has(client.policy().allowed_grant_types());
}

}  // namespace nauthera
