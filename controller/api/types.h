// The API of DESIGN.md (group auth.nauthera.io, version v1alpha1) as plain structs, decoded
// from manifests by decode.h. Optional fields distinguish "absent" (does not constrain) from
// "present and empty" (allows nothing), which policies depend on.
#ifndef NAUTHERA_CONTROLLER_API_TYPES_H_
#define NAUTHERA_CONTROLLER_API_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "controller/api/kinds.h"

namespace nauthera::controller {

using StringList = std::vector<std::string>;
using Labels = std::map<std::string, std::string>;

// Kubernetes LabelSelector (apimachinery meta/v1): every matchLabels entry and every
// matchExpressions requirement must hold.
struct LabelSelectorRequirement {
  enum class Operator { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Operator op = Operator::kIn;
  StringList values;
};

struct LabelSelector {
  Labels match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
};

// An OidcClient named by namespace and name (policy spec.audienceClients).
struct ClientRef {
  std::string ns;
  std::string name;
  std::string ToString() const { return ns + "/" + name; }
  bool operator<(const ClientRef& o) const { return ns != o.ns ? ns < o.ns : name < o.name; }
  bool operator==(const ClientRef& o) const { return ns == o.ns && name == o.name; }
};

// The policy fields shared by ClusterAuthPolicy and AuthPolicy. nullopt = not set.
struct PolicySpec {
  std::optional<StringList> allowed_scopes;
  std::optional<StringList> allowed_grant_types;
  std::optional<StringList> allowed_auth_methods;
  std::optional<bool> require_pkce;
  std::optional<int64_t> access_token_ttl_seconds;
  std::optional<int64_t> id_token_ttl_seconds;
  std::optional<int64_t> refresh_token_ttl_seconds;
  std::optional<StringList> audiences;
  // OidcClients whose client ids join `audiences` (resolved by the controller, so nobody
  // copies a generated id by hand into a policy).
  std::optional<std::vector<ClientRef>> audience_clients;
  std::optional<std::map<std::string, StringList>> scope_claims;
};

struct ClusterAuthPolicySpec {
  // Absent: the policy governs every namespace.
  std::optional<LabelSelector> namespace_selector;
  PolicySpec policy;
};

struct AuthPolicySpec {
  PolicySpec policy;
};

struct OidcClientSpec {
  std::string display_name;
  StringList redirect_uris;
  StringList allowed_scopes;
  // RFC 7591 §2: grant_types defaults to ["authorization_code"] when omitted.
  StringList grant_types = {"authorization_code"};
  bool pkce_required = false;
  std::string auth_method = "client_secret_basic";
  StringList post_logout_redirect_uris;
  // When the consent page is shown: "required" (default), "skip" (a first-party client:
  // only for offline_access) or "skipAll" (never). OIDC Core §3.1.2.4, §11.
  std::string consent = "required";
};

struct ServiceAccountSpec {
  std::string display_name;
  StringList allowed_scopes;
  StringList groups;
};

// A person in the built-in user store. The password is never here: passwordSecretRef names a
// Secret whose key holds an argon2id or bcrypt hash.
struct SecretKeyRef {
  std::string name;
  std::string ns;
  std::string key = "password";
};

struct NautheraUserSpec {
  std::string username;
  std::string email;
  std::string display_name;
  StringList groups;
  std::optional<SecretKeyRef> password_secret_ref;
  bool disabled = false;
  // OIDC Core §5.1 claims by claim name ("given_name" from spec.givenName, ...), only those
  // set; released with the profile scope (§5.4).
  std::map<std::string, std::string> profile_claims;
};

// A core v1 Secret's data, decoded (data is base64; stringData is plain and wins).
struct SecretSpec {
  std::map<std::string, std::string> data;
};

struct NamespaceSpec {};

struct ObjectMeta {
  std::string name;
  std::string ns;  // "" for cluster-scoped kinds
  Labels labels;
  Labels annotations;
};

// One decoded object and where it came from.
struct ApiObject {
  Kind kind = Kind::kNamespace;
  ObjectMeta meta;
  SourceLocation location;
  std::variant<NamespaceSpec, OidcClientSpec, ServiceAccountSpec, ClusterAuthPolicySpec,
               AuthPolicySpec, NautheraUserSpec, SecretSpec>
      spec;

  ObjectKey Key() const { return ObjectKey{kind, meta.ns, meta.name}; }

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&spec);
  }
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_TYPES_H_
