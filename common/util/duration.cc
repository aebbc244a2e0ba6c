#include "common/util/duration.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nauthera {

absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration; write it like 90s, 15m, 24h or 1h30m"));
  };
  static constexpr struct { char unit; int64_t seconds; } kUnits[] = {
      {'h', 3600}, {'m', 60}, {'s', 1}};
  // Each number and the total are bounded by 10^10 hours, so FormatDurationSeconds' shortest
  // form of any accepted duration reads back (found by tests/fuzz/duration_fuzz.cc).
  static constexpr int64_t kMaxNumber = 10'000'000'000LL;
  static constexpr int64_t kMaxSeconds = kMaxNumber * 3600;
  size_t next_unit = 0;
  int64_t total = 0;
  size_t i = 0;
  if (text.empty()) return bad();
  while (i < text.size()) {
    int64_t value = 0;
    size_t digits = 0;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > kMaxNumber) return bad();
      ++i, ++digits;
    }
    if (digits == 0 || i == text.size()) return bad();
    char unit = text[i++];
    while (next_unit < 3 && kUnits[next_unit].unit != unit) ++next_unit;
    if (next_unit == 3) return bad();  // unknown unit or out of order
    total += value * kUnits[next_unit].seconds;
    if (total > kMaxSeconds) return bad();
    ++next_unit;
  }
  if (total <= 0) return bad();
  return total;
}

std::string FormatDurationSeconds(int64_t seconds) {
  std::string out;
  if (seconds >= 3600) absl::StrAppend(&out, seconds / 3600, "h");
  if (seconds % 3600 >= 60) absl::StrAppend(&out, (seconds % 3600) / 60, "m");
  if (seconds % 60 != 0 || out.empty()) absl::StrAppend(&out, seconds % 60, "s");
  return out;
}

}  // namespace nauthera
