#include "common/util/log.h"

#include <cstdio>
#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace nauthera {
namespace {

std::mutex& LogMutex() {
  static std::mutex mu;
  return mu;
}

std::string& Component() {
  static std::string component = "nauthera";
  return component;
}

void Write(const char* level, absl::string_view msg, const LogFields& fields) {
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = level;
  line["component"] = Component();
  line["msg"] = std::string(msg);
  for (const auto& [key, value] : fields) line[key] = value;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(LogMutex());
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace

void SetLogComponent(absl::string_view component) { Component() = std::string(component); }
void LogInfo(absl::string_view msg, const LogFields& fields) { Write("info", msg, fields); }
void LogWarning(absl::string_view msg, const LogFields& fields) { Write("warning", msg, fields); }
void LogError(absl::string_view msg, const LogFields& fields) { Write("error", msg, fields); }

}  // namespace nauthera
