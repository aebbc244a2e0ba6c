// ParseDurationSeconds (common/util/duration.h) on arbitrary bytes: every TTL of the API.
// Invariants: an accepted duration is positive, of digits and h/m/s only, and formats to a
// text that parses back to the same number of seconds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/util/duration.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto seconds = nauthera::ParseDurationSeconds(input);
  if (!seconds.ok()) return 0;
  FUZZ_CHECK(*seconds > 0);
  FUZZ_CHECK(input.find_first_not_of("0123456789hms") == absl::string_view::npos);
  std::string formatted = nauthera::FormatDurationSeconds(*seconds);
  auto again = nauthera::ParseDurationSeconds(formatted);
  FUZZ_CHECK(again.ok() && *again == *seconds);
  return 0;
}
