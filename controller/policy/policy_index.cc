#include "controller/policy/policy_index.h"

#include "controller/api/label_selector.h"

namespace nauthera::controller {

PolicyIndex::PolicyIndex(const std::vector<ApiObject>& objects) {
  for (const ApiObject& object : objects) {
    switch (object.kind) {
      case Kind::kNamespace:
        namespace_labels_[object.meta.name] = object.meta.labels;
        break;
      case Kind::kClusterAuthPolicy:
        cluster_policies_.push_back(&object);
        break;
      case Kind::kAuthPolicy:
        namespace_policies_.emplace(object.meta.ns, &object);
        break;
      default:
        break;
    }
  }
}

Labels PolicyIndex::NamespaceLabels(absl::string_view ns) const {
  Labels labels;
  auto it = namespace_labels_.find(ns);
  if (it != namespace_labels_.end()) labels = it->second;
  // The API server overwrites this label whatever a manifest says.
  labels[std::string(kNamespaceNameLabel)] = std::string(ns);
  return labels;
}

std::vector<PolicyRef> PolicyIndex::Governing(absl::string_view ns) const {
  std::vector<PolicyRef> out;
  Labels labels = NamespaceLabels(ns);
  for (const ApiObject* policy : cluster_policies_) {
    const auto* spec = policy->As<ClusterAuthPolicySpec>();
    if (spec == nullptr) continue;
    if (spec->namespace_selector && !SelectorMatches(*spec->namespace_selector, labels)) continue;
    out.push_back(PolicyRef{policy->Key(), &spec->policy});
  }
  auto [begin, end] = namespace_policies_.equal_range(ns);
  for (auto it = begin; it != end; ++it) {
    const auto* spec = it->second->As<AuthPolicySpec>();
    if (spec != nullptr) out.push_back(PolicyRef{it->second->Key(), &spec->policy});
  }
  return out;
}

}  // namespace nauthera::controller
