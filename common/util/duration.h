// Durations as the API writes them ("90s", "15m", "24h", "1h30m"), Go's time.ParseDuration
// subset without fractions or sub-second units.
#ifndef NAUTHERA_COMMON_UTIL_DURATION_H_
#define NAUTHERA_COMMON_UTIL_DURATION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

// Seconds in "<n>h<n>m<n>s" (each part optional, at least one, in that order, total > 0 and
// at most 10^10 hours).
absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text);

// The shortest form ParseDurationSeconds reads back: 900 -> "15m", 5400 -> "1h30m".
std::string FormatDurationSeconds(int64_t seconds);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_UTIL_DURATION_H_
