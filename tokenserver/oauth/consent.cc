#include "tokenserver/oauth/consent.h"

#include "absl/algorithm/container.h"

namespace nauthera {
namespace {

bool Contains(const std::vector<std::string>& scopes, const std::string& scope) {
  return absl::c_find(scopes, scope) != scopes.end();
}

}  // namespace

bool ConsentNeeded(const v1::Client& client, const AuthorizationRequest& request,
                   const std::vector<std::string>& remembered) {
  // OIDC Core §3.1.2.1: prompt=consent asks whatever was allowed before.
  if (HasPrompt(request, "consent")) return true;
  switch (client.consent()) {
    case v1::Client::CONSENT_SKIP_ALL:
      return false;
    case v1::Client::CONSENT_SKIP:
      // OIDC Core §11: offline access needs the user's explicit consent.
      return Contains(request.scopes, kOfflineAccessScope) &&
             !Contains(remembered, kOfflineAccessScope);
    default:
      return !absl::c_all_of(request.scopes, [&](const std::string& scope) {
        return Contains(remembered, scope);
      });
  }
}

}  // namespace nauthera
