#include "controller/api/label_selector.h"

#include <algorithm>

namespace nauthera::controller {
namespace {

bool RequirementHolds(const LabelSelectorRequirement& req, const Labels& labels) {
  auto it = labels.find(req.key);
  bool present = it != labels.end();
  auto listed = [&] {
    return present && std::find(req.values.begin(), req.values.end(), it->second) !=
                          req.values.end();
  };
  using Op = LabelSelectorRequirement::Operator;
  switch (req.op) {
    case Op::kIn:
      return listed();
    case Op::kNotIn:  // as in apimachinery, a missing label is "not in" any set
      return !listed();
    case Op::kExists:
      return present;
    case Op::kDoesNotExist:
      return !present;
  }
  return false;
}

}  // namespace

bool SelectorMatches(const LabelSelector& selector, const Labels& labels) {
  for (const auto& [key, value] : selector.match_labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  for (const LabelSelectorRequirement& req : selector.match_expressions) {
    if (!RequirementHolds(req, labels)) return false;
  }
  return true;
}

}  // namespace nauthera::controller
