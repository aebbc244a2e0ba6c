#include <catch2/catch.hpp>

#include "controller/api/label_selector.h"

namespace nauthera::controller {
namespace {

using Op = LabelSelectorRequirement::Operator;

TEST_CASE("label selector matches as Kubernetes does", "[label_selector]") {
  Labels labels = {{"team", "ci"}, {"env", "prod"}};
  auto [name, selector, want] = GENERATE(table<std::string, LabelSelector, bool>({
      {"empty selector matches everything", LabelSelector{}, true},
      {"matchLabels equal", LabelSelector{{{"team", "ci"}}, {}}, true},
      {"matchLabels differ", LabelSelector{{{"team", "web"}}, {}}, false},
      {"matchLabels missing key", LabelSelector{{{"tier", "x"}}, {}}, false},
      {"In with the value", LabelSelector{{}, {{"env", Op::kIn, {"dev", "prod"}}}}, true},
      {"In without the value", LabelSelector{{}, {{"env", Op::kIn, {"dev"}}}}, false},
      {"In on a missing key", LabelSelector{{}, {{"tier", Op::kIn, {"x"}}}}, false},
      {"NotIn with the value", LabelSelector{{}, {{"env", Op::kNotIn, {"prod"}}}}, false},
      {"NotIn on a missing key", LabelSelector{{}, {{"tier", Op::kNotIn, {"x"}}}}, true},
      {"Exists", LabelSelector{{}, {{"team", Op::kExists, {}}}}, true},
      {"Exists on a missing key", LabelSelector{{}, {{"tier", Op::kExists, {}}}}, false},
      {"DoesNotExist", LabelSelector{{}, {{"tier", Op::kDoesNotExist, {}}}}, true},
      {"DoesNotExist on a present key", LabelSelector{{}, {{"team", Op::kDoesNotExist, {}}}},
       false},
      {"every requirement must hold",
       LabelSelector{{{"team", "ci"}}, {{"env", Op::kIn, {"dev"}}}}, false},
  }));
  CAPTURE(name);
  CHECK(SelectorMatches(selector, labels) == want);
}

}  // namespace
}  // namespace nauthera::controller
