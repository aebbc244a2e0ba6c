#include "controller/reconcilers/user_reconciler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/hashing.h"
#include "common/crypto/password_hash.h"
#include "common/encoding/base64.h"
#include "controller/reconcilers/client_outcome.h"

namespace nauthera::controller {
namespace {

// The password hash the ref points at, or why there is none (a sentence saying what to do).
std::string ResolveHash(const NautheraUserSpec& spec, const SecretLookup& secrets,
                        std::string* problem) {
  if (!spec.password_secret_ref) {
    *problem = "cannot sign in: set spec.passwordSecretRef to a Secret holding a password hash "
               "(make one with nauthera-hash-password)";
    return "";
  }
  const SecretKeyRef& ref = *spec.password_secret_ref;
  const SecretSpec* secret = secrets(ref.ns, ref.name);
  if (secret == nullptr) {
    *problem = absl::StrCat("cannot sign in: Secret ", ref.ns, "/", ref.name,
                            " (spec.passwordSecretRef) does not exist");
    return "";
  }
  auto it = secret->data.find(ref.key);
  if (it == secret->data.end()) {
    *problem = absl::StrCat("cannot sign in: Secret ", ref.ns, "/", ref.name, " has no key \"",
                            ref.key, "\"");
    return "";
  }
  absl::Status format = CheckPasswordHashFormat(it->second);
  if (!format.ok()) {
    *problem = absl::StrCat("cannot sign in: key \"", ref.key, "\" of Secret ", ref.ns, "/",
                            ref.name, " is ", format.message());
    return "";
  }
  return it->second;
}

}  // namespace

std::string UserSubject(const std::string& username) {
  return Base64UrlEncode(Sha256(absl::StrCat("nauthera/v1/user:", username)));
}

UserOutcome ReconcileUser(const ApiObject& object, const SecretLookup& secrets) {
  const NautheraUserSpec& spec = *object.As<NautheraUserSpec>();
  UserOutcome outcome;
  outcome.status = StatusFor(object);
  std::string problem;
  std::string hash = ResolveHash(spec, secrets, &problem);
  outcome.servable = ServableUser{spec.username, spec.email,   spec.display_name, spec.groups,
                                  hash,          spec.disabled, object.Key().ToRef(),
                                  spec.profile_claims};
  ObjectStatus& status = outcome.status;
  status.served = true;
  if (spec.disabled) {
    status.reason = std::string(reason::kDisabled);
    status.message = "disabled: cannot sign in, and tokens already issued stop refreshing";
  } else if (hash.empty()) {
    status.reason = std::string(reason::kNoPassword);
    status.message = problem;
  } else {
    status.ready = true;
    status.reason = std::string(reason::kReady);
    status.message = absl::StrCat("can sign in as \"", spec.username, "\"",
                                  spec.groups.empty()
                                      ? ""
                                      : absl::StrCat("; groups ", absl::StrJoin(spec.groups, ", ")));
  }
  return outcome;
}

}  // namespace nauthera::controller
