// The string and list constraints of the CRDs' OpenAPI schemas (charts/nauthera/crds), as one
// table applied to every object whichever source it comes from: a manifest file in local mode
// or the Kubernetes API (whose server already enforced them; checked again so that both modes
// accept exactly the same objects). tests/controller/crd_rules_test.cc reads the CRD files and
// fails when this table and the schemas differ, so the two cannot drift apart.
#ifndef NAUTHERA_CONTROLLER_API_CRD_RULES_H_
#define NAUTHERA_CONTROLLER_API_CRD_RULES_H_

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "controller/api/kinds.h"

namespace nauthera::controller {

// One schema node's constraints. -1 = not constrained. Lengths count Unicode characters, as
// kube-apiserver does (OpenAPI maxLength); patterns are RE2, the engine Go's regexp is.
struct CrdFieldRule {
  Kind kind;
  // "spec.username"; "[]" is every item of a list, "{}" every value of a map:
  // "spec.redirectUris[]", "spec.scopeClaims{}[]".
  std::string path;
  int min_length = -1;
  int max_length = -1;
  std::string pattern;  // "" = none
  std::vector<std::string> enum_values;
  int min_items = -1;
  int max_items = -1;
};

// Every rule of every kind.
const std::vector<CrdFieldRule>& CrdFieldRules();

// Checks `spec` (the object's spec node; for kinds without rules, nothing) against the rules
// of `kind`. Values of the wrong type are left to the strict decoder. The error is
// InvalidArgument "<field path>: <what is wrong>", with the offending value escaped.
absl::Status CheckCrdRules(Kind kind, const YAML::Node& spec);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_CRD_RULES_H_
