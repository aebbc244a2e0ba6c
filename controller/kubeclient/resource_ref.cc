#include "controller/kubeclient/resource_ref.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nauthera::controller::kube {

std::string ResourceRef::ApiVersion() const {
  return group.empty() ? version : absl::StrCat(group, "/", version);
}

namespace refs {
namespace {
const ResourceRef& Make(const char* group, const char* version, const char* resource,
                        bool namespaced, const char* kind) {
  // Leaked on purpose: trivially destructible lifetime for process-wide constants.
  return *new ResourceRef{group, version, resource, namespaced, kind};
}
constexpr char kNautheraGroup[] = "auth.nauthera.io";
constexpr char kNautheraVersion[] = "v1alpha1";
}  // namespace

const ResourceRef& Secrets() {
  static const ResourceRef& ref = Make("", "v1", "secrets", true, "Secret");
  return ref;
}
const ResourceRef& CoreEvents() {
  static const ResourceRef& ref = Make("", "v1", "events", true, "Event");
  return ref;
}
const ResourceRef& Events() {
  static const ResourceRef& ref = Make("events.k8s.io", "v1", "events", true, "Event");
  return ref;
}
const ResourceRef& Leases() {
  static const ResourceRef& ref = Make("coordination.k8s.io", "v1", "leases", true, "Lease");
  return ref;
}
const ResourceRef& Namespaces() {
  static const ResourceRef& ref = Make("", "v1", "namespaces", false, "Namespace");
  return ref;
}
const ResourceRef& OidcClients() {
  static const ResourceRef& ref =
      Make(kNautheraGroup, kNautheraVersion, "oidcclients", true, "OidcClient");
  return ref;
}
const ResourceRef& NautheraServiceAccounts() {
  static const ResourceRef& ref = Make(kNautheraGroup, kNautheraVersion,
                                       "nautheraserviceaccounts", true, "NautheraServiceAccount");
  return ref;
}
const ResourceRef& AuthPolicies() {
  static const ResourceRef& ref =
      Make(kNautheraGroup, kNautheraVersion, "authpolicies", true, "AuthPolicy");
  return ref;
}
const ResourceRef& ClusterAuthPolicies() {
  static const ResourceRef& ref =
      Make(kNautheraGroup, kNautheraVersion, "clusterauthpolicies", false, "ClusterAuthPolicy");
  return ref;
}
const ResourceRef& NautheraUsers() {
  static const ResourceRef& ref =
      Make(kNautheraGroup, kNautheraVersion, "nautherausers", false, "NautheraUser");
  return ref;
}
}  // namespace refs

absl::Status ValidatePathSegment(absl::string_view what, absl::string_view segment) {
  if (segment.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  if (segment == "." || segment == "..") {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", segment, "\" is not a name"));
  }
  for (char c : segment) {
    if (c == '/' || c == '%' || c == '?' || c == '#' || absl::ascii_iscntrl(c) || c == ' ') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " \"", segment, "\" holds a character a name cannot hold"));
    }
  }
  return absl::OkStatus();
}

namespace {
std::string GroupVersionPrefix(const ResourceRef& ref) {
  return ref.group.empty() ? absl::StrCat("/api/", ref.version)
                           : absl::StrCat("/apis/", ref.group, "/", ref.version);
}

absl::Status ValidateRef(const ResourceRef& ref) {
  if (ref.version.empty() || ref.resource.empty()) {
    return absl::InvalidArgumentError("resource reference without version or resource");
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<std::string> CollectionPath(const ResourceRef& ref, absl::string_view ns) {
  if (absl::Status s = ValidateRef(ref); !s.ok()) return s;
  if (!ref.namespaced || ns.empty()) {
    return absl::StrCat(GroupVersionPrefix(ref), "/", ref.resource);
  }
  if (absl::Status s = ValidatePathSegment("namespace", ns); !s.ok()) return s;
  return absl::StrCat(GroupVersionPrefix(ref), "/namespaces/", ns, "/", ref.resource);
}

absl::StatusOr<std::string> ObjectPath(const ResourceRef& ref, absl::string_view ns,
                                       absl::string_view name, absl::string_view subresource) {
  if (ref.namespaced && ns.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ref.resource, " are namespaced: a namespace is required"));
  }
  if (!ref.namespaced && !ns.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ref.resource, " are cluster-scoped: no namespace expected, got \"", ns,
                     "\""));
  }
  if (absl::Status s = ValidatePathSegment("name", name); !s.ok()) return s;
  if (!subresource.empty()) {
    if (absl::Status s = ValidatePathSegment("subresource", subresource); !s.ok()) return s;
  }
  absl::StatusOr<std::string> collection = CollectionPath(ref, ns);
  if (!collection.ok()) return collection.status();
  std::string path = absl::StrCat(*collection, "/", name);
  if (!subresource.empty()) absl::StrAppend(&path, "/", subresource);
  return path;
}

namespace {
void AppendPercentEncoded(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    // RFC 3986 §2.3 unreserved characters stay as they are.
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
  }
}
}  // namespace

std::string BuildQuery(const QueryParams& params) {
  std::string query;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    query.push_back(query.empty() ? '?' : '&');
    AppendPercentEncoded(key, &query);
    query.push_back('=');
    AppendPercentEncoded(value, &query);
  }
  return query;
}

std::string ObjectKeyOf(absl::string_view ns, absl::string_view name) {
  return ns.empty() ? std::string(name) : absl::StrCat(ns, "/", name);
}

}  // namespace nauthera::controller::kube
