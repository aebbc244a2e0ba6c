#include "controller/api/decode_specs.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/encoding/base64.h"
#include "common/util/status_macros.h"
#include "controller/api/names.h"
#include "controller/api/well_known.h"
#include "controller/api/yaml_reader.h"

namespace nauthera::controller {
namespace {

absl::StatusOr<StringList> ReadScopes(const YAML::Node& node, absl::string_view path) {
  ASSIGN_OR_RETURN(StringList scopes, ReadStringList(node, path));
  for (size_t i = 0; i < scopes.size(); ++i) {
    absl::Status valid = ValidateScopeToken(scopes[i]);
    if (!valid.ok()) return FieldError(IndexPath(path, i), valid.message());
  }
  return scopes;
}

// A list whose every item must be one of `known` (an enum in the CRD schema).
template <size_t N>
absl::StatusOr<StringList> ReadEnumList(const YAML::Node& node, absl::string_view path,
                                        const absl::string_view (&known)[N]) {
  ASSIGN_OR_RETURN(StringList values, ReadStringList(node, path));
  for (size_t i = 0; i < values.size(); ++i) {
    bool ok = false;
    for (absl::string_view k : known) ok = ok || k == values[i];
    if (!ok) {
      return FieldError(IndexPath(path, i),
                        absl::StrCat("\"", values[i], "\" is not supported; use one of: ",
                                     absl::StrJoin(known, ", ")));
    }
  }
  return values;
}

// spec.audienceClients: [{name: kubectl, namespace: nauthera-system}], without repeats.
absl::StatusOr<std::vector<ClientRef>> ReadClientRefs(const YAML::Node& node,
                                                     absl::string_view path) {
  if (!node.IsSequence()) {
    return FieldError(path, "must be a list of {name, namespace} of OidcClients, e.g. "
                            "- {name: kubectl, namespace: nauthera-system}");
  }
  std::vector<ClientRef> out;
  for (size_t i = 0; i < node.size(); ++i) {
    std::string item = IndexPath(path, i);
    RETURN_IF_ERROR(CheckFields(node[i], item, {"name", "namespace"}));
    ClientRef ref;
    ASSIGN_OR_RETURN(ref.name, ReadNonEmptyString(node[i]["name"], FieldPath(item, "name")));
    ASSIGN_OR_RETURN(ref.ns,
                     ReadNonEmptyString(node[i]["namespace"], FieldPath(item, "namespace")));
    absl::Status valid = ValidateDns1123Subdomain(ref.name);
    if (!valid.ok()) return FieldError(FieldPath(item, "name"), valid.message());
    valid = ValidateDns1123Label(ref.ns);
    if (!valid.ok()) return FieldError(FieldPath(item, "namespace"), valid.message());
    for (const ClientRef& seen : out) {
      if (seen == ref) return FieldError(item, absl::StrCat(ref.ToString(), " is listed twice"));
    }
    out.push_back(std::move(ref));
  }
  return out;
}

absl::StatusOr<std::map<std::string, StringList>> ReadScopeClaims(const YAML::Node& node,
                                                                 absl::string_view path) {
  if (!node.IsMap()) {
    return FieldError(path, "must be a mapping of scope to a list of claim names, e.g. "
                            "email: [email, email_verified]");
  }
  std::map<std::string, StringList> out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return FieldError(path, "keys must be scope names");
    std::string scope = it->first.Scalar();
    std::string item_path = FieldPath(path, scope);
    absl::Status valid = ValidateScopeToken(scope);
    if (!valid.ok()) return FieldError(item_path, valid.message());
    ASSIGN_OR_RETURN(StringList claims, ReadStringList(it->second, item_path));
    if (!out.emplace(scope, std::move(claims)).second) {
      return FieldError(item_path, "is set twice; keep one");
    }
  }
  return out;
}

// Reads the policy fields from `node`, a mapping already checked for unknown fields.
absl::Status ReadPolicyFields(const YAML::Node& node, PolicySpec& out) {
  auto has = [&](const char* field) { return !IsAbsent(node[field]); };
  if (has("allowedScopes")) {
    ASSIGN_OR_RETURN(out.allowed_scopes, ReadScopes(node["allowedScopes"], "spec.allowedScopes"));
  }
  if (has("allowedGrantTypes")) {
    ASSIGN_OR_RETURN(
        out.allowed_grant_types,
        ReadEnumList(node["allowedGrantTypes"], "spec.allowedGrantTypes", kGrantTypes));
  }
  if (has("allowedAuthMethods")) {
    ASSIGN_OR_RETURN(
        out.allowed_auth_methods,
        ReadEnumList(node["allowedAuthMethods"], "spec.allowedAuthMethods", kAuthMethods));
  }
  if (has("requirePKCE")) {
    ASSIGN_OR_RETURN(out.require_pkce, ReadBool(node["requirePKCE"], "spec.requirePKCE"));
  }
  if (has("accessTokenTTL")) {
    ASSIGN_OR_RETURN(out.access_token_ttl_seconds,
                     ReadDuration(node["accessTokenTTL"], "spec.accessTokenTTL"));
  }
  if (has("idTokenTTL")) {
    ASSIGN_OR_RETURN(out.id_token_ttl_seconds, ReadDuration(node["idTokenTTL"], "spec.idTokenTTL"));
  }
  if (has("refreshTokenTTL")) {
    ASSIGN_OR_RETURN(out.refresh_token_ttl_seconds,
                     ReadDuration(node["refreshTokenTTL"], "spec.refreshTokenTTL"));
  }
  if (has("audiences")) {
    ASSIGN_OR_RETURN(out.audiences, ReadStringList(node["audiences"], "spec.audiences"));
  }
  if (has("audienceClients")) {
    ASSIGN_OR_RETURN(out.audience_clients,
                     ReadClientRefs(node["audienceClients"], "spec.audienceClients"));
  }
  if (has("scopeClaims")) {
    ASSIGN_OR_RETURN(out.scope_claims, ReadScopeClaims(node["scopeClaims"], "spec.scopeClaims"));
  }
  return absl::OkStatus();
}

#define NAUTHERA_POLICY_FIELDS                                                          \
  "allowedScopes", "allowedGrantTypes", "allowedAuthMethods", "requirePKCE",             \
      "accessTokenTTL", "idTokenTTL", "refreshTokenTTL", "audiences", "audienceClients", \
      "scopeClaims"

}  // namespace

absl::StatusOr<OidcClientSpec> DecodeOidcClientSpec(const YAML::Node& node) {
  if (IsAbsent(node)) {
    return FieldError("spec", "is required (redirectUris, allowedScopes, grantTypes, ...)");
  }
  RETURN_IF_ERROR(CheckFields(node, "spec",
                              {"displayName", "redirectUris", "allowedScopes", "grantTypes",
                               "pkce", "authMethod", "postLogoutRedirectUris", "consent"}));
  OidcClientSpec spec;
  if (!IsAbsent(node["displayName"])) {
    ASSIGN_OR_RETURN(spec.display_name, ReadString(node["displayName"], "spec.displayName"));
  }
  if (!IsAbsent(node["redirectUris"])) {
    ASSIGN_OR_RETURN(spec.redirect_uris, ReadStringList(node["redirectUris"], "spec.redirectUris"));
  }
  if (!IsAbsent(node["allowedScopes"])) {
    ASSIGN_OR_RETURN(spec.allowed_scopes, ReadScopes(node["allowedScopes"], "spec.allowedScopes"));
  }
  // Grant type values are checked by the reconciler (InvalidSpec), which can say which
  // combinations are wrong; here only the shape.
  if (!IsAbsent(node["grantTypes"])) {
    ASSIGN_OR_RETURN(spec.grant_types, ReadStringList(node["grantTypes"], "spec.grantTypes"));
  }
  if (!IsAbsent(node["pkce"])) {
    RETURN_IF_ERROR(CheckFields(node["pkce"], "spec.pkce", {"required"}));
    if (!IsAbsent(node["pkce"]["required"])) {
      ASSIGN_OR_RETURN(spec.pkce_required,
                       ReadBool(node["pkce"]["required"], "spec.pkce.required"));
    }
  }
  if (!IsAbsent(node["authMethod"])) {
    ASSIGN_OR_RETURN(spec.auth_method, ReadString(node["authMethod"], "spec.authMethod"));
    if (!IsKnownAuthMethod(spec.auth_method)) {
      return FieldError("spec.authMethod",
                        absl::StrCat("\"", spec.auth_method, "\" is not supported; use one of: ",
                                     absl::StrJoin(kAuthMethods, ", ")));
    }
  }
  if (!IsAbsent(node["postLogoutRedirectUris"])) {
    ASSIGN_OR_RETURN(spec.post_logout_redirect_uris,
                     ReadStringList(node["postLogoutRedirectUris"], "spec.postLogoutRedirectUris"));
  }
  if (!IsAbsent(node["consent"])) {
    ASSIGN_OR_RETURN(spec.consent, ReadString(node["consent"], "spec.consent"));
    if (!IsKnownConsentMode(spec.consent)) {
      return FieldError("spec.consent",
                        absl::StrCat("\"", spec.consent, "\" is not supported; use one of: ",
                                     absl::StrJoin(kConsentModes, ", ")));
    }
  }
  return spec;
}

absl::StatusOr<ServiceAccountSpec> DecodeServiceAccountSpec(const YAML::Node& node) {
  ServiceAccountSpec spec;
  if (IsAbsent(node)) return spec;
  RETURN_IF_ERROR(CheckFields(node, "spec", {"displayName", "allowedScopes", "groups"}));
  if (!IsAbsent(node["displayName"])) {
    ASSIGN_OR_RETURN(spec.display_name, ReadString(node["displayName"], "spec.displayName"));
  }
  if (!IsAbsent(node["allowedScopes"])) {
    ASSIGN_OR_RETURN(spec.allowed_scopes, ReadScopes(node["allowedScopes"], "spec.allowedScopes"));
  }
  if (!IsAbsent(node["groups"])) {
    ASSIGN_OR_RETURN(spec.groups, ReadStringList(node["groups"], "spec.groups"));
  }
  return spec;
}

// NautheraUser fields holding OIDC Core §5.1 standard claims, and the claim each one is.
constexpr std::pair<const char*, const char*> kUserProfileFields[] = {
    {"givenName", "given_name"}, {"familyName", "family_name"}, {"middleName", "middle_name"},
    {"nickname", "nickname"},    {"profileUrl", "profile"},     {"picture", "picture"},
    {"website", "website"},      {"zoneinfo", "zoneinfo"},      {"locale", "locale"}};

absl::StatusOr<NautheraUserSpec> DecodeNautheraUserSpec(const YAML::Node& node) {
  NautheraUserSpec spec;
  if (IsAbsent(node)) return FieldError("spec", "is required; add spec.username");
  RETURN_IF_ERROR(CheckFields(
      node, "spec",
      {"username", "email", "displayName", "groups", "passwordSecretRef", "disabled",
       "givenName", "familyName", "middleName", "nickname", "profileUrl", "picture", "website",
       "zoneinfo", "locale"}));
  if (IsAbsent(node["username"])) return FieldError("spec.username", "is required");
  ASSIGN_OR_RETURN(spec.username, ReadNonEmptyString(node["username"], "spec.username"));
  if (!IsAbsent(node["email"])) {
    ASSIGN_OR_RETURN(spec.email, ReadString(node["email"], "spec.email"));
    if (!spec.email.empty() && spec.email.find('@') == std::string::npos) {
      return FieldError("spec.email", "is not an email address");
    }
  }
  if (!IsAbsent(node["displayName"])) {
    ASSIGN_OR_RETURN(spec.display_name, ReadString(node["displayName"], "spec.displayName"));
  }
  if (!IsAbsent(node["groups"])) {
    ASSIGN_OR_RETURN(spec.groups, ReadStringList(node["groups"], "spec.groups"));
  }
  if (!IsAbsent(node["disabled"])) {
    ASSIGN_OR_RETURN(spec.disabled, ReadBool(node["disabled"], "spec.disabled"));
  }
  for (const auto& [field, claim] : kUserProfileFields) {
    if (IsAbsent(node[field])) continue;
    ASSIGN_OR_RETURN(std::string value, ReadString(node[field], FieldPath("spec", field)));
    if (!value.empty()) spec.profile_claims[claim] = std::move(value);
  }
  const YAML::Node ref = node["passwordSecretRef"];
  if (!IsAbsent(ref)) {
    RETURN_IF_ERROR(CheckFields(ref, "spec.passwordSecretRef", {"name", "namespace", "key"}));
    SecretKeyRef out;
    if (IsAbsent(ref["name"]) || IsAbsent(ref["namespace"])) {
      return FieldError("spec.passwordSecretRef",
                        "needs name and namespace (NautheraUser is cluster-scoped)");
    }
    ASSIGN_OR_RETURN(out.name, ReadNonEmptyString(ref["name"], "spec.passwordSecretRef.name"));
    ASSIGN_OR_RETURN(out.ns,
                     ReadNonEmptyString(ref["namespace"], "spec.passwordSecretRef.namespace"));
    if (!IsAbsent(ref["key"])) {
      ASSIGN_OR_RETURN(out.key, ReadNonEmptyString(ref["key"], "spec.passwordSecretRef.key"));
    }
    spec.password_secret_ref = out;
  }
  return spec;
}

absl::StatusOr<SecretSpec> DecodeSecret(const YAML::Node& doc) {
  SecretSpec secret;
  if (!IsAbsent(doc["data"])) {
    ASSIGN_OR_RETURN(auto data, ReadStringMap(doc["data"], "data"));
    for (const auto& [key, value] : data) {
      auto decoded = Base64Decode(value);
      if (!decoded.ok()) return FieldError(FieldPath("data", key), "is not valid base64");
      secret.data[key] = *decoded;
    }
  }
  if (!IsAbsent(doc["stringData"])) {
    ASSIGN_OR_RETURN(auto plain, ReadStringMap(doc["stringData"], "stringData"));
    for (const auto& [key, value] : plain) secret.data[key] = value;
  }
  return secret;
}

absl::StatusOr<LabelSelector> DecodeLabelSelector(const YAML::Node& node,
                                                  absl::string_view path) {
  RETURN_IF_ERROR(CheckFields(node, path, {"matchLabels", "matchExpressions"}));
  LabelSelector selector;
  std::string labels_path = FieldPath(path, "matchLabels");
  if (!IsAbsent(node["matchLabels"])) {
    ASSIGN_OR_RETURN(selector.match_labels, ReadStringMap(node["matchLabels"], labels_path));
  }
  for (const auto& [key, value] : selector.match_labels) {
    absl::Status valid = ValidateLabelKey(key);
    if (valid.ok()) valid = ValidateLabelValue(value);
    if (!valid.ok()) return FieldError(FieldPath(labels_path, key), valid.message());
  }
  const YAML::Node expressions = node["matchExpressions"];
  std::string exprs_path = FieldPath(path, "matchExpressions");
  if (IsAbsent(expressions)) return selector;
  if (!expressions.IsSequence()) return FieldError(exprs_path, "must be a list");
  for (size_t i = 0; i < expressions.size(); ++i) {
    std::string item_path = IndexPath(exprs_path, i);
    const YAML::Node item = expressions[i];
    RETURN_IF_ERROR(CheckFields(item, item_path, {"key", "operator", "values"}));
    LabelSelectorRequirement req;
    ASSIGN_OR_RETURN(req.key, ReadNonEmptyString(item["key"], FieldPath(item_path, "key")));
    absl::Status valid = ValidateLabelKey(req.key);
    if (!valid.ok()) return FieldError(FieldPath(item_path, "key"), valid.message());
    ASSIGN_OR_RETURN(std::string op,
                     ReadString(item["operator"], FieldPath(item_path, "operator")));
    using Op = LabelSelectorRequirement::Operator;
    if (op == "In") req.op = Op::kIn;
    else if (op == "NotIn") req.op = Op::kNotIn;
    else if (op == "Exists") req.op = Op::kExists;
    else if (op == "DoesNotExist") req.op = Op::kDoesNotExist;
    else {
      return FieldError(FieldPath(item_path, "operator"),
                        absl::StrCat("\"", op, "\" is not an operator; use In, NotIn, Exists or "
                                               "DoesNotExist"));
    }
    if (!IsAbsent(item["values"])) {
      ASSIGN_OR_RETURN(req.values, ReadStringList(item["values"], FieldPath(item_path, "values")));
    }
    // apimachinery: In/NotIn need values; Exists/DoesNotExist must have none.
    bool set_op = req.op == Op::kIn || req.op == Op::kNotIn;
    if (set_op && req.values.empty()) {
      return FieldError(FieldPath(item_path, "values"),
                        absl::StrCat("must list at least one value for operator ", op));
    }
    if (!set_op && !req.values.empty()) {
      return FieldError(FieldPath(item_path, "values"),
                        absl::StrCat("must be empty for operator ", op));
    }
    selector.match_expressions.push_back(std::move(req));
  }
  return selector;
}

absl::StatusOr<ClusterAuthPolicySpec> DecodeClusterAuthPolicySpec(const YAML::Node& node) {
  ClusterAuthPolicySpec spec;
  if (IsAbsent(node)) return spec;
  RETURN_IF_ERROR(CheckFields(node, "spec", {"namespaceSelector", NAUTHERA_POLICY_FIELDS}));
  if (!IsAbsent(node["namespaceSelector"])) {
    ASSIGN_OR_RETURN(spec.namespace_selector,
                     DecodeLabelSelector(node["namespaceSelector"], "spec.namespaceSelector"));
  }
  RETURN_IF_ERROR(ReadPolicyFields(node, spec.policy));
  return spec;
}

absl::StatusOr<AuthPolicySpec> DecodeAuthPolicySpec(const YAML::Node& node) {
  AuthPolicySpec spec;
  if (IsAbsent(node)) return spec;
  RETURN_IF_ERROR(CheckFields(node, "spec", {NAUTHERA_POLICY_FIELDS}));
  RETURN_IF_ERROR(ReadPolicyFields(node, spec.policy));
  return spec;
}

}  // namespace nauthera::controller
