#include "controller/api/crd_rules.h"

#include <cstdint>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace nauthera::controller {
namespace {

// The CRDs' patterns, verbatim (crd_rules_test compares them with the files).
constexpr char kScopeToken[] = R"(^[!#-\[\]-~]+$)";  // RFC 6749 §3.3 scope-token
constexpr char kDuration[] = R"(^([0-9]{1,10}h)?([0-9]{1,10}m)?([0-9]{1,10}s)?$)";
constexpr char kDns1123Subdomain[] =
    R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)";
constexpr char kDns1123Label[] = R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)";
constexpr char kLabelValue[] = R"(^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$)";
constexpr char kLabelKey[] =
    R"(^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$)";
// RFC 3986 §3: scheme "://" authority, the port digits only and at most 65535 (§3.2.3).
constexpr char kAbsoluteUri[] =
    R"(^[A-Za-z][A-Za-z0-9+.-]*://(\[[0-9A-Fa-f:.]+\]|[^/?#@\s:\[\]]+)(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})?)?([/?#]\S*)?$)";
// ASCII only, so that no two users differ by a look-alike letter.
constexpr char kUsername[] = R"(^[A-Za-z0-9][A-Za-z0-9._@+-]*$)";
// RFC 5322 §3.4.1 addr-spec with a dot-atom local part, ASCII only (no look-alike letters);
// what it accepts, format: email (Go's net/mail) accepts too.
constexpr char kEmail[] =
    R"(^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$)";
constexpr char kSecretKey[] = R"(^[-._a-zA-Z0-9]+$)";
// OIDC Core §5.1 URL claims (profile, picture, website): https only.
constexpr char kHttpsUrl[] =
    R"(^https://(\[[0-9A-Fa-f:.]+\]|[^/?#@\s:\[\]]+)(:[0-9]{1,5})?([/?#]\S*)?$)";
constexpr char kZoneinfo[] = R"(^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$)";  // IANA tz
constexpr char kLocale[] = R"(^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$)";  // BCP 47, loosely

const std::vector<std::string> kGrantTypeEnum = {
    "authorization_code", "refresh_token", "client_credentials",
    "urn:ietf:params:oauth:grant-type:device_code"};
const std::vector<std::string> kAuthMethodEnum = {"none", "client_secret_basic",
                                                  "client_secret_post"};

CrdFieldRule Str(Kind kind, std::string path, int min_length, int max_length,
                 std::string pattern = "") {
  CrdFieldRule rule{kind, std::move(path)};
  rule.min_length = min_length;
  rule.max_length = max_length;
  rule.pattern = std::move(pattern);
  return rule;
}

CrdFieldRule List(Kind kind, std::string path, int max_items, int min_items = -1) {
  CrdFieldRule rule{kind, std::move(path)};
  rule.min_items = min_items;
  rule.max_items = max_items;
  return rule;
}

CrdFieldRule Enum(Kind kind, std::string path, const std::vector<std::string>& values) {
  CrdFieldRule rule{kind, std::move(path)};
  rule.enum_values = values;
  return rule;
}

void AddPolicyRules(Kind kind, std::vector<CrdFieldRule>& rules) {
  rules.push_back(List(kind, "spec.allowedScopes", 64));
  rules.push_back(Str(kind, "spec.allowedScopes[]", 1, 128, kScopeToken));
  rules.push_back(List(kind, "spec.allowedGrantTypes", 4));
  rules.push_back(Enum(kind, "spec.allowedGrantTypes[]", kGrantTypeEnum));
  rules.push_back(List(kind, "spec.allowedAuthMethods", 3));
  rules.push_back(Enum(kind, "spec.allowedAuthMethods[]", kAuthMethodEnum));
  for (const char* ttl : {"accessTokenTTL", "idTokenTTL", "refreshTokenTTL"}) {
    rules.push_back(Str(kind, absl::StrCat("spec.", ttl), 2, 33, kDuration));
  }
  rules.push_back(List(kind, "spec.audiences", 16));
  rules.push_back(Str(kind, "spec.audiences[]", 1, 256));
  rules.push_back(List(kind, "spec.audienceClients", 16));
  rules.push_back(Str(kind, "spec.audienceClients[].name", 1, 253, kDns1123Subdomain));
  rules.push_back(Str(kind, "spec.audienceClients[].namespace", 1, 63, kDns1123Label));
  rules.push_back(List(kind, "spec.scopeClaims{}", 32));
  rules.push_back(Str(kind, "spec.scopeClaims{}[]", 1, 128));
}

std::vector<CrdFieldRule> BuildRules() {
  std::vector<CrdFieldRule> rules;
  constexpr Kind kClient = Kind::kOidcClient;
  rules.push_back(Str(kClient, "spec.displayName", -1, 256));
  rules.push_back(List(kClient, "spec.redirectUris", 64));
  rules.push_back(Str(kClient, "spec.redirectUris[]", 1, 2048, kAbsoluteUri));
  rules.push_back(List(kClient, "spec.allowedScopes", 64));
  rules.push_back(Str(kClient, "spec.allowedScopes[]", 1, 128, kScopeToken));
  rules.push_back(List(kClient, "spec.grantTypes", 4, 1));
  rules.push_back(Enum(kClient, "spec.grantTypes[]", kGrantTypeEnum));
  rules.push_back(Enum(kClient, "spec.authMethod", kAuthMethodEnum));
  rules.push_back(List(kClient, "spec.postLogoutRedirectUris", 64));
  rules.push_back(Str(kClient, "spec.postLogoutRedirectUris[]", 1, 2048, kAbsoluteUri));
  rules.push_back(Enum(kClient, "spec.consent", {"required", "skip", "skipAll"}));

  constexpr Kind kAccount = Kind::kServiceAccount;
  rules.push_back(Str(kAccount, "spec.displayName", -1, 256));
  rules.push_back(List(kAccount, "spec.allowedScopes", 64));
  rules.push_back(Str(kAccount, "spec.allowedScopes[]", 1, 128, kScopeToken));
  rules.push_back(List(kAccount, "spec.groups", 256));
  rules.push_back(Str(kAccount, "spec.groups[]", 1, 256));

  constexpr Kind kUser = Kind::kNautheraUser;
  rules.push_back(Str(kUser, "spec.username", 1, 128, kUsername));
  rules.push_back(Str(kUser, "spec.email", -1, 254, kEmail));
  rules.push_back(Str(kUser, "spec.displayName", -1, 256));
  rules.push_back(List(kUser, "spec.groups", 256));
  rules.push_back(Str(kUser, "spec.groups[]", 1, 256));
  rules.push_back(Str(kUser, "spec.passwordSecretRef.name", 1, 253, kDns1123Subdomain));
  rules.push_back(Str(kUser, "spec.passwordSecretRef.namespace", 1, 63, kDns1123Label));
  rules.push_back(Str(kUser, "spec.passwordSecretRef.key", 1, 253, kSecretKey));
  for (const char* name : {"givenName", "familyName", "middleName", "nickname"}) {
    rules.push_back(Str(kUser, absl::StrCat("spec.", name), -1, 256));
  }
  for (const char* url : {"profileUrl", "picture", "website"}) {
    rules.push_back(Str(kUser, absl::StrCat("spec.", url), -1, 2048, kHttpsUrl));
  }
  rules.push_back(Str(kUser, "spec.zoneinfo", -1, 64, kZoneinfo));
  rules.push_back(Str(kUser, "spec.locale", -1, 35, kLocale));

  constexpr Kind kCluster = Kind::kClusterAuthPolicy;
  rules.push_back(Str(kCluster, "spec.namespaceSelector.matchLabels{}", -1, 63, kLabelValue));
  rules.push_back(List(kCluster, "spec.namespaceSelector.matchExpressions", 32));
  rules.push_back(
      Str(kCluster, "spec.namespaceSelector.matchExpressions[].key", 1, 317, kLabelKey));
  rules.push_back(Enum(kCluster, "spec.namespaceSelector.matchExpressions[].operator",
                       {"In", "NotIn", "Exists", "DoesNotExist"}));
  rules.push_back(List(kCluster, "spec.namespaceSelector.matchExpressions[].values", 64));
  rules.push_back(Str(kCluster, "spec.namespaceSelector.matchExpressions[].values[]", -1, 63));
  AddPolicyRules(kCluster, rules);
  AddPolicyRules(Kind::kAuthPolicy, rules);
  return rules;
}

// "scopeClaims{}[]" -> {"scopeClaims", "{}", "[]"}; the leading "spec" is dropped.
std::vector<std::string> Steps(absl::string_view path) {
  std::vector<std::string> steps;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    while (!part.empty()) {
      size_t mark = part.find_first_of("[{");
      if (mark != 0) {
        steps.emplace_back(part.substr(0, mark));
        if (mark == absl::string_view::npos) break;
      }
      steps.emplace_back(part.substr(mark, 2));
      part.remove_prefix(mark + 2);
    }
  }
  steps.erase(steps.begin());
  return steps;
}

// UTF-8 characters, as OpenAPI lengths count them (a stray continuation byte counts one).
int64_t CharacterCount(absl::string_view text) {
  int64_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// The value as it may be shown in a status message: the first 64 bytes, every byte outside
// printable ASCII as \xNN (a look-alike letter shows as what it is).
std::string Shown(absl::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < 64; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c >= 0x7F || c == '\\' || c == '"') {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return absl::StrCat(out, value.size() > 64 ? "\"..." : "\"");
}

// Every pattern of the table, compiled once (a function-local static: thread-safe start).
const RE2& CompiledPattern(const std::string& pattern) {
  using Compiled = std::map<std::string, std::unique_ptr<RE2>>;
  static const Compiled* compiled = [] {
    auto* out = new Compiled();
    for (const CrdFieldRule& rule : CrdFieldRules()) {
      if (!rule.pattern.empty() && out->count(rule.pattern) == 0) {
        (*out)[rule.pattern] = std::make_unique<RE2>(rule.pattern);
      }
    }
    return out;
  }();
  return *compiled->at(pattern);
}

absl::Status CheckLeaf(const CrdFieldRule& rule, const YAML::Node& node,
                       const std::string& path) {
  auto error = [&path](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
  };
  if (node.IsSequence()) {
    int64_t items = static_cast<int64_t>(node.size());
    if (rule.max_items >= 0 && items > rule.max_items) {
      return error(absl::StrCat("has ", items, " items; at most ", rule.max_items, " allowed"));
    }
    if (rule.min_items >= 0 && items < rule.min_items) {
      return error(absl::StrCat("needs at least ", rule.min_items, " item(s)"));
    }
    return absl::OkStatus();
  }
  if (!node.IsScalar()) return absl::OkStatus();  // the decoder judges the shape
  const std::string& value = node.Scalar();
  int64_t length = CharacterCount(value);
  if (rule.max_length >= 0 && length > rule.max_length) {
    return error(absl::StrCat("is ", length, " characters long; at most ", rule.max_length,
                              " allowed"));
  }
  if (rule.min_length >= 0 && length < rule.min_length) {
    return error(absl::StrCat("must be at least ", rule.min_length, " character(s) long"));
  }
  if (!rule.pattern.empty()) {
    if (!RE2::PartialMatch(value, CompiledPattern(rule.pattern))) {
      return error(absl::StrCat(Shown(value), " does not match the pattern ", rule.pattern));
    }
  }
  if (!rule.enum_values.empty()) {
    bool known = false;
    for (const std::string& v : rule.enum_values) known = known || v == value;
    if (!known) {
      return error(absl::StrCat(Shown(value), " is not supported; use one of: ",
                                absl::StrJoin(rule.enum_values, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::Status Visit(const CrdFieldRule& rule, const std::vector<std::string>& steps,
                   size_t step, const YAML::Node& node, const std::string& path) {
  if (!node.IsDefined() || node.IsNull()) return absl::OkStatus();
  if (step == steps.size()) return CheckLeaf(rule, node, path);
  const std::string& next = steps[step];
  if (next == "[]") {
    if (!node.IsSequence()) return absl::OkStatus();
    for (size_t i = 0; i < node.size(); ++i) {
      absl::Status s = Visit(rule, steps, step + 1, node[i], absl::StrCat(path, "[", i, "]"));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  if (next == "{}") {
    if (!node.IsMap()) return absl::OkStatus();
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      absl::Status s = Visit(rule, steps, step + 1, it->second, absl::StrCat(path, ".", key));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  if (!node.IsMap()) return absl::OkStatus();
  return Visit(rule, steps, step + 1, node[next], absl::StrCat(path, ".", next));
}

}  // namespace

const std::vector<CrdFieldRule>& CrdFieldRules() {
  static const std::vector<CrdFieldRule>* rules = new std::vector<CrdFieldRule>(BuildRules());
  return *rules;
}

absl::Status CheckCrdRules(Kind kind, const YAML::Node& spec) {
  for (const CrdFieldRule& rule : CrdFieldRules()) {
    if (rule.kind != kind) continue;
    absl::Status s = Visit(rule, Steps(rule.path), 0, spec, "spec");
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace nauthera::controller
