// NautheraUser: a person who may sign in. The reconciler resolves passwordSecretRef to the
// password hash (never a plain password: anything but an argon2id or bcrypt hash is refused)
// and says, in the status, whether the person can sign in and why not.
#ifndef NAUTHERA_CONTROLLER_RECONCILERS_USER_RECONCILER_H_
#define NAUTHERA_CONTROLLER_RECONCILERS_USER_RECONCILER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "controller/api/types.h"
#include "controller/status/object_status.h"

namespace nauthera::controller {

// What the State carries for a user.
struct ServableUser {
  std::string username;
  std::string email;
  std::string display_name;
  StringList groups;
  std::string password_hash;  // "" when the user cannot sign in with a password
  bool disabled = false;
  std::string ref;  // "NautheraUser/alice"
  std::map<std::string, std::string> profile_claims;  // OIDC Core §5.1, by claim name
};

struct UserOutcome {
  ObjectStatus status;
  // Users are served even when they cannot sign in, so that tokens already issued to them
  // keep (or, when disabled, lose) their validity as the token servers decide.
  ServableUser servable;
};

// Finds a Secret's data by namespace and name; nullptr when there is none.
using SecretLookup =
    std::function<const SecretSpec*(const std::string& ns, const std::string& name)>;

// REQUIRES: object.kind == Kind::kNautheraUser.
UserOutcome ReconcileUser(const ApiObject& object, const SecretLookup& secrets);

// "nauthera/v1/user:" + username, SHA-256, base64url: the stable, opaque "sub" of a person.
std::string UserSubject(const std::string& username);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_RECONCILERS_USER_RECONCILER_H_
