#include "tokenserver/tokens/identity_claims.h"

#include "absl/strings/str_cat.h"

namespace nauthera {
namespace {

// Used when a policy names no mapping for a scope (OpenID Connect Core §5.4, plus groups).
std::vector<std::string> DefaultClaims(const std::string& scope) {
  if (scope == "email") return {"email", "email_verified"};
  // OIDC Core §5.4: the profile scope's claims that a NautheraUser can hold.
  if (scope == "profile") {
    return {"name",    "family_name", "given_name", "middle_name", "nickname",
            "preferred_username",     "profile",    "picture",     "website",
            "zoneinfo", "locale"};
  }
  if (scope == "groups") return {"groups"};
  return {};
}

void AddClaim(const std::string& claim, const Identity& identity, nlohmann::ordered_json* out) {
  if (claim == "email" && !identity.email.empty()) {
    (*out)["email"] = identity.email;
  } else if (claim == "email_verified" && !identity.email.empty()) {
    (*out)["email_verified"] = identity.email_verified;  // a JSON boolean, never a string
  } else if (claim == "name" && !identity.name.empty()) {
    (*out)["name"] = identity.name;
  } else if (claim == "preferred_username" && !identity.preferred_username.empty()) {
    (*out)["preferred_username"] = identity.preferred_username;
  } else if (claim == "groups") {
    (*out)["groups"] = identity.groups;  // always an array, even when empty
  } else if (auto it = identity.profile.find(claim); it != identity.profile.end()) {
    (*out)[claim] = it->second;
  }
}

}  // namespace

Identity ServiceAccountIdentity(const v1::Client& client) {
  Identity identity;
  identity.email = client.email().empty()
                       ? absl::StrCat(client.name(), "@", client.namespace_(), ".svc")
                       : client.email();
  identity.email_verified = true;  // the controller made this identity; nothing to verify
  identity.name = client.display_name();
  identity.preferred_username = identity.email;
  identity.groups.assign(client.groups().begin(), client.groups().end());
  return identity;
}

Identity UserIdentity(const v1::User& user) {
  Identity identity;
  identity.email = user.email();
  // The administrator wrote this address into the NautheraUser; Nauthera has no mailbox check,
  // so the claim states what kube-apiserver needs: the address is the account's, by decree.
  identity.email_verified = !user.email().empty();
  identity.name = user.display_name().empty() ? user.username() : user.display_name();
  identity.preferred_username = user.username();
  identity.groups.assign(user.groups().begin(), user.groups().end());
  identity.profile.insert(user.profile_claims().begin(), user.profile_claims().end());
  return identity;
}

void AddIdentityClaims(const v1::EffectivePolicy& policy, const std::vector<std::string>& scopes,
                       const Identity& identity, nlohmann::ordered_json* claims) {
  for (const std::string& scope : scopes) {
    auto mapped = policy.scope_claims().find(scope);
    std::vector<std::string> names =
        mapped != policy.scope_claims().end()
            ? std::vector<std::string>(mapped->second.claims().begin(),
                                       mapped->second.claims().end())
            : DefaultClaims(scope);
    for (const std::string& claim : names) AddClaim(claim, identity, claims);
  }
}

}  // namespace nauthera
