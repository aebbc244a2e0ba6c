// Inputs fuzz_yaml_decode (tests/fuzz/yaml_decode_fuzz.cc, docs/fuzzing.md) found, kept as unit
// tests so the gcc build checks them on every run.
#include <catch2/catch.hpp>

#include <string>

#include "controller/api/decode.h"

namespace nauthera::controller {

// yaml-cpp 0.7's LoadAll looped without end on these, one null document more each turn, until
// the controller ran out of memory (jbeder/yaml-cpp#1040).
TEST_CASE("a manifest file the YAML parser cannot advance in is invalid YAML, not a hang") {
  auto text = GENERATE(as<std::string>{}, ",", ", a", "\n,\n",
                       "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n,\n");
  CAPTURE(text);
  DecodedFile decoded = DecodeManifests(text, "fuzz.yaml");
  CHECK_FALSE(decoded.parsed);
  CHECK(decoded.objects.empty());
  REQUIRE(decoded.errors.size() == 1);
  CHECK(decoded.errors[0].message.find("not valid YAML at line") == 0);
}

TEST_CASE("empty documents and a file of only comments still decode to nothing, without error") {
  auto text = GENERATE(as<std::string>{}, "", "---\n---\n", "# only a comment\n", "...\n");
  CAPTURE(text);
  DecodedFile decoded = DecodeManifests(text, "fuzz.yaml");
  CHECK(decoded.parsed);
  CHECK(decoded.errors.empty());
  CHECK(decoded.objects.empty());
}

}  // namespace nauthera::controller
