#include <catch2/catch.hpp>

#include "common/util/duration.h"

namespace nauthera {

TEST_CASE("durations parse as the API writes them") {
  auto [text, seconds] = GENERATE(table<std::string, int64_t>({
      {"90s", 90}, {"15m", 900}, {"24h", 86400}, {"1h30m", 5400}, {"1h0m5s", 3605}}));
  CAPTURE(text);
  auto parsed = ParseDurationSeconds(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == seconds);
}

TEST_CASE("malformed durations are refused with a hint") {
  auto text = GENERATE(as<std::string>{}, "", "15", "m", "15x", "1m1h", "0s", "-5m", "1.5h",
                       "15m ", "99999999999h");
  CAPTURE(text);
  auto parsed = ParseDurationSeconds(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK_THAT(std::string(parsed.status().message()), Catch::Contains("15m"));
}

TEST_CASE("durations format to the shortest form that parses back") {
  auto [seconds, text] = GENERATE(table<int64_t, std::string>({
      {900, "15m"}, {5400, "1h30m"}, {86400, "24h"}, {61, "1m1s"}, {5, "5s"}}));
  CHECK(FormatDurationSeconds(seconds) == text);
  CHECK(*ParseDurationSeconds(text) == seconds);
}

}  // namespace nauthera
