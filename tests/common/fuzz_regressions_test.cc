// Inputs fuzz targets (tests/fuzz/, docs/fuzzing.md) found, kept as unit tests so the gcc
// build checks them on every run.
#include <catch2/catch.hpp>

#include <string>

#include "common/util/duration.h"

namespace nauthera {

// fuzz_duration: "9999999999h9350s" was accepted, but its shortest form "10000000002h35m50s"
// was refused (more than 10^10 hours), so FormatDurationSeconds wrote what could not be read.
TEST_CASE("every accepted duration formats to text that reads back to the same seconds") {
  auto text = GENERATE(as<std::string>{}, "9999999999h9350s", "9999999999h3600s",
                       "9999999999h60m", "10000000000h", "10000000000h1s",
                       "10000000000h59m59s", "1h30m", "90s");
  CAPTURE(text);
  auto seconds = ParseDurationSeconds(text);
  if (!seconds.ok()) return;
  auto again = ParseDurationSeconds(FormatDurationSeconds(*seconds));
  REQUIRE(again.ok());
  CHECK(*again == *seconds);
}

TEST_CASE("a duration longer than 10^10 hours is refused, however it is written") {
  auto text = GENERATE(as<std::string>{}, "9999999999h9350s", "10000000000h1s",
                       "9999999999h60m1s");
  CAPTURE(text);
  CHECK_FALSE(ParseDurationSeconds(text).ok());
  CHECK(ParseDurationSeconds("10000000000h").ok());
}

}  // namespace nauthera
