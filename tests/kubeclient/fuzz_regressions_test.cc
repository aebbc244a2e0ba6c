// Inputs fuzz_watch_line (tests/fuzz/watch_line_fuzz.cc, docs/fuzzing.md) found, kept as unit
// tests so the gcc build checks them on every run.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/json_lines.h"
#include "controller/kubeclient/watch_event.h"

namespace nauthera::controller::kube {
namespace {

// A line over the limit was refused only when it was cut across chunks; whole inside one chunk
// it was delivered, so the same stream was accepted or refused depending on where TCP cut it.
TEST_CASE("a line longer than the limit is an error however the chunks are cut") {
  const std::string stream = "{\"a\":1}\n123456789\n{\"b\":2}\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    CAPTURE(cut);
    LineSplitter splitter(/*max_line_bytes=*/8);
    std::vector<std::string> lines;
    auto collect = [&](absl::string_view line) {
      lines.emplace_back(line);
      return true;
    };
    absl::Status first = splitter.Feed(absl::string_view(stream).substr(0, cut), collect);
    absl::Status status =
        first.ok() ? splitter.Feed(absl::string_view(stream).substr(cut), collect) : first;
    CHECK(status.code() == absl::StatusCode::kResourceExhausted);
    CHECK(lines == std::vector<std::string>{"{\"a\":1}"});
  }
}

TEST_CASE("a line of exactly the limit is delivered whole in one chunk") {
  LineSplitter splitter(/*max_line_bytes=*/8);
  std::vector<std::string> lines;
  REQUIRE(splitter.Feed("12345678\n", [&](absl::string_view line) {
                    lines.emplace_back(line);
                    return true;
                  }).ok());
  CHECK(lines == std::vector<std::string>{"12345678"});
}

// A Status whose "kind" (or a cause's "reason") was not a string threw nlohmann's type_error
// out of StatusFromHttp, so one such ERROR event, or one such error answer from a proxy,
// ended the controller in std::terminate.
TEST_CASE("a Status body with members of the wrong type maps to a status, never an exception") {
  auto body = GENERATE(as<std::string>{}, R"({"kind":410199})", R"({"kind":null,"code":410})",
                       R"({"kind":"Status","details":{"causes":[{"reason":7}]}})",
                       R"({"kind":["Status"]})");
  CAPTURE(body);
  absl::Status status;
  REQUIRE_NOTHROW(status = StatusFromHttp(409, body, "", "fuzz"));
  CHECK_FALSE(status.ok());
  absl::StatusOr<WatchEvent> event;
  REQUIRE_NOTHROW(event = ParseWatchLine(
                      std::string(R"({"type":"ERROR","object":)") + body + "}", "fuzz watch"));
  CHECK_FALSE(event.ok());
}

}  // namespace
}  // namespace nauthera::controller::kube
