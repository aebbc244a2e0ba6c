// The identity claims a granted scope releases, shared by access tokens, ID tokens and
// userinfo. Which claims each scope releases comes from the effective policy (scope_claims).
#ifndef NAUTHERA_TOKENSERVER_TOKENS_IDENTITY_CLAIMS_H_
#define NAUTHERA_TOKENSERVER_TOKENS_IDENTITY_CLAIMS_H_

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "nauthera/v1/state.pb.h"

namespace nauthera {

// Who the token is about: a service account, or (later) a person.
struct Identity {
  std::string email;
  bool email_verified = false;
  std::string name;
  std::string preferred_username;
  std::vector<std::string> groups;
  // Further OIDC Core §5.1 claims by name (given_name, locale, picture, ...), string-valued.
  std::map<std::string, std::string> profile;
};

Identity ServiceAccountIdentity(const v1::Client& client);
Identity UserIdentity(const v1::User& user);

// Adds to `claims` every claim the granted scopes release and the identity has.
void AddIdentityClaims(const v1::EffectivePolicy& policy, const std::vector<std::string>& scopes,
                       const Identity& identity, nlohmann::ordered_json* claims);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_IDENTITY_CLAIMS_H_
