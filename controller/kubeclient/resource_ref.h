// Addressing Kubernetes resources: group/version/resource (GVR) and the REST paths built from
// it, as the API conventions define them:
//   core group:   /api/v1/namespaces/{ns}/{resource}/{name}[/{subresource}]
//   named groups: /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}[/{subresource}]
//   cluster-scoped resources have no "namespaces/{ns}" segment.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_RESOURCE_REF_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_RESOURCE_REF_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller::kube {

struct ResourceRef {
  std::string group;     // "" for the core group
  std::string version;   // "v1", "v1alpha1"
  std::string resource;  // plural, lowercase: "secrets", "oidcclients"
  bool namespaced = true;
  std::string kind;  // "Secret": what apiVersion/kind a body of this resource carries

  // "v1" for the core group, "group/version" otherwise.
  std::string ApiVersion() const;
};

// The resources Nauthera uses.
namespace refs {
const ResourceRef& Secrets();
const ResourceRef& CoreEvents();  // core/v1 Event
const ResourceRef& Events();      // events.k8s.io/v1 Event
const ResourceRef& Leases();      // coordination.k8s.io/v1 Lease
const ResourceRef& Namespaces();
const ResourceRef& OidcClients();
const ResourceRef& NautheraServiceAccounts();
const ResourceRef& AuthPolicies();
const ResourceRef& ClusterAuthPolicies();
const ResourceRef& NautheraUsers();
}  // namespace refs

// A name or namespace must be one non-empty path segment: no "/", not "." or "..", no
// control characters. (Names are DNS subdomains or labels; the API server checks the rest and
// answers 422. Checking here keeps a hostile name from addressing another path.)
absl::Status ValidatePathSegment(absl::string_view what, absl::string_view segment);

// The collection: ".../secrets" in namespace `ns`, or across all namespaces when `ns` is ""
// (for a namespaced resource). A cluster-scoped resource ignores `ns`.
absl::StatusOr<std::string> CollectionPath(const ResourceRef& ref, absl::string_view ns);

// One object, optionally a subresource of it ("status"). REQUIRES: `ns` non-empty exactly
// when `ref.namespaced`.
absl::StatusOr<std::string> ObjectPath(const ResourceRef& ref, absl::string_view ns,
                                       absl::string_view name,
                                       absl::string_view subresource = "");

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "?a=1&b=x%3Dy" (RFC 3986 percent-encoding of everything but unreserved characters), or ""
// when `params` is empty. Parameters with an empty value are left out.
std::string BuildQuery(const QueryParams& params);

// "namespace/name", or "name" for cluster-scoped objects: the key informers and work queues
// use (as client-go's MetaNamespaceKeyFunc does).
std::string ObjectKeyOf(absl::string_view ns, absl::string_view name);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_RESOURCE_REF_H_
