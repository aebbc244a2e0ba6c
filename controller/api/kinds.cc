#include "controller/api/kinds.h"

#include "absl/strings/str_cat.h"

namespace nauthera::controller {
namespace {

struct KindInfo {
  Kind kind;
  absl::string_view name;
  absl::string_view api_version;
  bool namespaced;
};

constexpr KindInfo kKinds[] = {
    {Kind::kNamespace, "Namespace", kCoreApiVersion, false},
    {Kind::kOidcClient, "OidcClient", kNautheraApiVersion, true},
    {Kind::kServiceAccount, "NautheraServiceAccount", kNautheraApiVersion, true},
    {Kind::kClusterAuthPolicy, "ClusterAuthPolicy", kNautheraApiVersion, false},
    {Kind::kAuthPolicy, "AuthPolicy", kNautheraApiVersion, true},
    {Kind::kNautheraUser, "NautheraUser", kNautheraApiVersion, false},
    {Kind::kSecret, "Secret", kCoreApiVersion, true},
};

const KindInfo& Info(Kind kind) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return info;
  }
  return kKinds[0];
}

}  // namespace

absl::string_view KindName(Kind kind) { return Info(kind).name; }
absl::string_view KindApiVersion(Kind kind) { return Info(kind).api_version; }
bool IsNamespaced(Kind kind) { return Info(kind).namespaced; }

std::optional<Kind> KindFromName(absl::string_view name) {
  for (const KindInfo& info : kKinds) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

bool IsClientKind(Kind kind) { return kind == Kind::kOidcClient || kind == Kind::kServiceAccount; }
bool IsPolicyKind(Kind kind) {
  return kind == Kind::kClusterAuthPolicy || kind == Kind::kAuthPolicy;
}

std::string ObjectKey::ToString() const {
  if (ns.empty()) return absl::StrCat(KindName(kind), " ", name);
  return absl::StrCat(KindName(kind), " ", ns, "/", name);
}

std::string ObjectKey::ToRef() const {
  if (ns.empty()) return absl::StrCat(KindName(kind), "/", name);
  return absl::StrCat(KindName(kind), "/", ns, "/", name);
}

std::string SourceLocation::ToString() const {
  return absl::StrCat(file, ", document ", document);
}

}  // namespace nauthera::controller
