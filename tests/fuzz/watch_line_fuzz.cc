// The watch stream of the Kubernetes client (controller/kubeclient/json_lines.h LineSplitter,
// controller/kubeclient/watch_event.h ParseWatchLine) on an arbitrary body cut into arbitrary chunks.
// Invariants: the lines are those of the whole body split at "\n" without a trailing "\r",
// blank ones skipped, however it is cut (checked against a plain reference split); none is
// longer than the limit; each line is an event with an object, or an error status.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "controller/kubeclient/json_lines.h"
#include "controller/kubeclient/watch_event.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace kube = nauthera::controller::kube;

// The reference: what the lines of the whole body are, all at once.
std::vector<std::string> ReferenceLines(absl::string_view body, std::string* tail) {
  std::vector<std::string> lines = absl::StrSplit(body, '\n');
  *tail = lines.back();
  lines.pop_back();
  std::vector<std::string> out;
  for (std::string& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  const size_t max_line = provider.ConsumeBool() ? 64 : (16u << 20);
  std::vector<size_t> cuts;
  for (int i = provider.ConsumeIntegralInRange<int>(0, 8); i > 0; --i) {
    cuts.push_back(provider.ConsumeIntegralInRange<size_t>(0, 256));
  }
  const std::string body = provider.ConsumeRemainingBytesAsString();

  kube::LineSplitter splitter(max_line);
  std::vector<std::string> lines;
  auto collect = [&](absl::string_view line) {
    FUZZ_CHECK(!line.empty() && line.find('\n') == absl::string_view::npos);
    FUZZ_CHECK(line.size() <= max_line);
    lines.emplace_back(line);
    auto event = kube::ParseWatchLine(line, "fuzz watch");
    if (event.ok()) {
      FUZZ_CHECK(event->object.is_object());
    }
    return true;
  };
  bool failed = false;
  size_t at = 0;
  for (size_t cut : cuts) {
    size_t n = std::min(cut, body.size() - at);
    if (!splitter.Feed(absl::string_view(body).substr(at, n), collect).ok()) failed = true;
    at += n;
    if (failed) break;
  }
  if (!failed && !splitter.Feed(absl::string_view(body).substr(at), collect).ok()) failed = true;

  std::string tail;
  std::vector<std::string> expected = ReferenceLines(body, &tail);
  if (failed) {
    // Refused only for a line over the limit; what came before it was delivered whole.
    FUZZ_CHECK(lines.size() <= expected.size());
    for (size_t i = 0; i < lines.size(); ++i) FUZZ_CHECK(lines[i] == expected[i]);
    return 0;
  }
  FUZZ_CHECK(lines == expected);
  FUZZ_CHECK(splitter.pending() == tail);
  return 0;
}
