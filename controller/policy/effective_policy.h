// The narrowing of every policy that governs a client (DESIGN.md, API): scopes, grant types
// and auth methods are intersected; PKCE is required if any policy requires it; each token
// lifetime is the shortest any policy sets; audiences are the union; scopeClaims, per scope,
// the intersection of the policies that map that scope. A field no policy sets does not
// constrain (lists stay nullopt; lifetimes and claims take the defaults below).
#ifndef NAUTHERA_CONTROLLER_POLICY_EFFECTIVE_POLICY_H_
#define NAUTHERA_CONTROLLER_POLICY_EFFECTIVE_POLICY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/api/types.h"
#include "controller/policy/policy_index.h"

namespace nauthera::controller {

inline constexpr int64_t kDefaultAccessTokenTtlSeconds = 15 * 60;
inline constexpr int64_t kDefaultIdTokenTtlSeconds = 15 * 60;
inline constexpr int64_t kDefaultRefreshTokenTtlSeconds = 24 * 60 * 60;

// openid -> [sub], email -> [email, email_verified], profile -> [name, preferred_username],
// groups -> [groups]: the OpenID Connect Core §5.4 releases Nauthera supports.
const std::map<std::string, StringList>& DefaultScopeClaims();

struct EffectivePolicy {
  // "ClusterAuthPolicy/default", "AuthPolicy/ci-cd/ci-tokens", in PolicyIndex order.
  std::vector<std::string> governed_by;
  std::optional<StringList> allowed_scopes;
  std::optional<StringList> allowed_grant_types;
  std::optional<StringList> allowed_auth_methods;
  bool require_pkce = false;
  int64_t access_token_ttl_seconds = kDefaultAccessTokenTtlSeconds;
  int64_t id_token_ttl_seconds = kDefaultIdTokenTtlSeconds;
  int64_t refresh_token_ttl_seconds = kDefaultRefreshTokenTtlSeconds;
  StringList audiences;  // sorted, unique
  // The union of every policy's audienceClients, sorted. The controller adds their client
  // ids to `audiences` once every client is reconciled (ResolveAudienceClients).
  std::vector<ClientRef> audience_clients;
  std::map<std::string, StringList> scope_claims;
};

// REQUIRES: !policies.empty() (a client without policies is NoPolicy, not "unconstrained").
EffectivePolicy CombinePolicies(const std::vector<PolicyRef>& policies);

// What a client asks for, as the policies judge it.
struct PolicyRequest {
  StringList scopes;
  StringList grant_types;
  StringList auth_methods;
  // A service account authenticates with either secret method, so it needs only one of
  // `auth_methods` allowed; an OidcClient needs every one it lists.
  bool any_auth_method_suffices = false;
};

// One sentence per refusal, naming the value and every policy that refuses it, e.g.
// `scope "groups" is not allowed by AuthPolicy ci-cd/ci-tokens`. Empty when all is allowed.
std::vector<std::string> FindPolicyViolations(const PolicyRequest& request,
                                              const std::vector<PolicyRef>& policies);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_POLICY_EFFECTIVE_POLICY_H_
