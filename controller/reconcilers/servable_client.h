// A client or service account the token servers may serve, as the reconcilers resolve it:
// credentials read back from its Secret and its effective policy. The snapshot builder turns
// it into a proto Client, hashing the secret on the way (secrets never enter the State).
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_SERVABLE_CLIENT_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_SERVABLE_CLIENT_H_

#include <string>

#include "controller/api/types.h"
#include "controller/policy/effective_policy.h"
#include "controller/reconcilers/credential_store.h"

namespace nauthera::controller {

struct ServableClient {
  Kind kind = Kind::kOidcClient;
  std::string ns;
  std::string name;
  std::string display_name;
  Credentials credentials;
  StringList registered_scopes;
  StringList grant_types;
  // RFC 7591 names; ["none"] for public clients.
  StringList auth_methods;
  StringList redirect_uris;
  StringList post_logout_redirect_uris;
  bool pkce_required = false;
  std::string consent = "required";  // OidcClient spec.consent
  std::string email;  // service accounts: "<name>@<namespace>.svc"
  StringList groups;
  EffectivePolicy policy;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_SERVABLE_CLIENT_H_
