// Typed reads of API-server JSON: a wrong type or a missing step reads as the fallback, never
// as an exception (nlohmann's value() threw type_error on these inputs).
#include "controller/kubeclient/object_fields.h"

#include <catch2/catch.hpp>

namespace nauthera::controller::kube {
namespace {

TEST_CASE("StringAt reads nested strings and falls back on anything else", "[kube][fields]") {
  struct Row {
    const char* json;
    std::string want;
  };
  const Row rows[] = {
      {R"({"metadata":{"resourceVersion":"42"}})", "42"},
      {R"({"metadata":{"resourceVersion":42}})", "fb"},
      {R"({"metadata":{"resourceVersion":null}})", "fb"},
      {R"({"metadata":"oops"})", "fb"},
      {R"({"metadata":["resourceVersion"]})", "fb"},
      {R"({})", "fb"},
      {R"([1,2])", "fb"},
      {R"("text")", "fb"},
      {R"(7)", "fb"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.json);
    nlohmann::json json = nlohmann::json::parse(row.json);
    CHECK(StringAt(json, {"metadata", "resourceVersion"}, "fb") == row.want);
  }
}

TEST_CASE("IntAt, BoolAt and ObjectAt check the type of every step", "[kube][fields]") {
  nlohmann::json json = nlohmann::json::parse(
      R"({"metadata":{"generation":3,"name":"x"},"spec":{"on":true,"n":"3"},"list":[{"a":1}]})");
  CHECK(IntAt(json, {"metadata", "generation"}) == 3);
  CHECK(IntAt(json, {"metadata", "name"}, -1) == -1);
  CHECK(IntAt(json, {"spec", "n"}, -1) == -1);
  CHECK(BoolAt(json, {"spec", "on"}) == true);
  CHECK(BoolAt(json, {"spec", "n"}, false) == false);
  CHECK(ObjectAt(json, {"metadata"}) != nullptr);
  CHECK(ObjectAt(json, {"list"}) == nullptr);
  CHECK(ObjectAt(json, {"metadata", "name"}) == nullptr);
  CHECK(ObjectAt(json, {}) == &json);
  nlohmann::json array = nlohmann::json::array({1, 2});
  CHECK(ObjectAt(array, {}) == nullptr);
}

}  // namespace
}  // namespace nauthera::controller::kube
