#include "controller/policy/effective_policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nauthera::controller {
namespace {

bool Contains(const StringList& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// `current` narrowed by `next` (nullopt = no constraint), keeping `current`'s order.
void Narrow(std::optional<StringList>& current, const std::optional<StringList>& next) {
  if (!next) return;
  if (!current) {
    current = next;
    return;
  }
  StringList kept;
  for (const std::string& value : *current) {
    if (Contains(*next, value)) kept.push_back(value);
  }
  current = std::move(kept);
}

void Shortest(int64_t& current, bool& set, const std::optional<int64_t>& next) {
  if (!next) return;
  current = set ? std::min(current, *next) : *next;
  set = true;
}

// Every policy in `policies` whose `field` is set and leaves out `value`.
template <typename Field>
std::vector<std::string> Refusers(const std::vector<PolicyRef>& policies, Field field,
                                  absl::string_view value) {
  std::vector<std::string> out;
  for (const PolicyRef& policy : policies) {
    const std::optional<StringList>& allowed = policy.spec->*field;
    if (allowed && !Contains(*allowed, value)) out.push_back(policy.key.ToString());
  }
  return out;
}

}  // namespace

const std::map<std::string, StringList>& DefaultScopeClaims() {
  static const auto* claims = new std::map<std::string, StringList>{
      {"openid", {"sub"}},
      {"email", {"email", "email_verified"}},
      {"profile", {"name", "preferred_username"}},
      {"groups", {"groups"}},
  };
  return *claims;
}

EffectivePolicy CombinePolicies(const std::vector<PolicyRef>& policies) {
  EffectivePolicy out;
  bool access_set = false, id_set = false, refresh_set = false;
  std::set<std::string> audiences;
  std::set<ClientRef> audience_clients;
  std::map<std::string, std::optional<StringList>> claims;
  for (const PolicyRef& ref : policies) {
    const PolicySpec& spec = *ref.spec;
    out.governed_by.push_back(ref.key.ToRef());
    Narrow(out.allowed_scopes, spec.allowed_scopes);
    Narrow(out.allowed_grant_types, spec.allowed_grant_types);
    Narrow(out.allowed_auth_methods, spec.allowed_auth_methods);
    out.require_pkce = out.require_pkce || spec.require_pkce.value_or(false);
    Shortest(out.access_token_ttl_seconds, access_set, spec.access_token_ttl_seconds);
    Shortest(out.id_token_ttl_seconds, id_set, spec.id_token_ttl_seconds);
    Shortest(out.refresh_token_ttl_seconds, refresh_set, spec.refresh_token_ttl_seconds);
    if (spec.audiences) audiences.insert(spec.audiences->begin(), spec.audiences->end());
    if (spec.audience_clients) {
      audience_clients.insert(spec.audience_clients->begin(), spec.audience_clients->end());
    }
    if (spec.scope_claims) {
      for (const auto& [scope, list] : *spec.scope_claims) Narrow(claims[scope], list);
    }
  }
  out.audiences.assign(audiences.begin(), audiences.end());
  out.audience_clients.assign(audience_clients.begin(), audience_clients.end());
  // Scopes no policy maps keep the default mapping; mapped ones take the intersection.
  out.scope_claims = DefaultScopeClaims();
  for (auto& [scope, list] : claims) out.scope_claims[scope] = std::move(*list);
  return out;
}

std::vector<std::string> FindPolicyViolations(const PolicyRequest& request,
                                              const std::vector<PolicyRef>& policies) {
  std::vector<std::string> out;
  auto refuse = [&](absl::string_view what, absl::string_view value,
                    const std::vector<std::string>& by) {
    out.push_back(absl::StrCat(what, " \"", value, "\" is not allowed by ",
                               absl::StrJoin(by, " and ")));
  };
  for (const std::string& scope : request.scopes) {
    auto by = Refusers(policies, &PolicySpec::allowed_scopes, scope);
    if (!by.empty()) refuse("scope", scope, by);
  }
  for (const std::string& grant : request.grant_types) {
    auto by = Refusers(policies, &PolicySpec::allowed_grant_types, grant);
    if (!by.empty()) refuse("grant type", grant, by);
  }
  std::vector<std::string> method_refusals;
  size_t methods_allowed = 0;
  for (const std::string& method : request.auth_methods) {
    auto by = Refusers(policies, &PolicySpec::allowed_auth_methods, method);
    if (by.empty()) {
      ++methods_allowed;
    } else {
      method_refusals.push_back(absl::StrCat("auth method \"", method, "\" is not allowed by ",
                                             absl::StrJoin(by, " and ")));
    }
  }
  if (!request.any_auth_method_suffices || methods_allowed == 0) {
    out.insert(out.end(), method_refusals.begin(), method_refusals.end());
  }
  return out;
}

}  // namespace nauthera::controller
