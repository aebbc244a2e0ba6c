// Which policies govern a client (DESIGN.md, API): every ClusterAuthPolicy whose
// namespaceSelector matches the client's namespace, plus every AuthPolicy in that namespace.
#ifndef NAUTHERA_CONTROLLER_POLICY_POLICY_INDEX_H_
#define NAUTHERA_CONTROLLER_POLICY_POLICY_INDEX_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "controller/api/types.h"

namespace nauthera::controller {

// Set on every namespace by the API server (Kubernetes 1.22+), so selectors can name one.
inline constexpr absl::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

// A policy that governs a client: its key ("AuthPolicy ci-cd/ci-tokens") and its fields.
struct PolicyRef {
  ObjectKey key;
  const PolicySpec* spec = nullptr;
};

class PolicyIndex {
 public:
  // Indexes the Namespaces and policies among `objects`, which must outlive the index.
  explicit PolicyIndex(const std::vector<ApiObject>& objects);

  // A namespace's labels. A namespace no manifest declares exists implicitly, with only
  // kubernetes.io/metadata.name (as if created by `kubectl create namespace`).
  Labels NamespaceLabels(absl::string_view ns) const;

  // The policies governing objects in `ns`, cluster policies first, each group by name.
  std::vector<PolicyRef> Governing(absl::string_view ns) const;

 private:
  std::map<std::string, Labels, std::less<>> namespace_labels_;
  std::vector<const ApiObject*> cluster_policies_;
  std::multimap<std::string, const ApiObject*, std::less<>> namespace_policies_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_POLICY_POLICY_INDEX_H_
