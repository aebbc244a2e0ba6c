// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-29T18:00:00.123Z","level":"info","component":"tokenserver",
//    "msg":"state applied","version":"3-ab12cd"}
// Never pass a secret as a field: nothing here redacts.
#ifndef NAUTHERA_COMMON_UTIL_LOG_H_
#define NAUTHERA_COMMON_UTIL_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace nauthera {

using LogFields = std::vector<std::pair<std::string, std::string>>;

void SetLogComponent(absl::string_view component);

void LogInfo(absl::string_view msg, const LogFields& fields = {});
void LogWarning(absl::string_view msg, const LogFields& fields = {});
void LogError(absl::string_view msg, const LogFields& fields = {});

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_UTIL_LOG_H_
