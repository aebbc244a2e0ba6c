// Splits a streamed body into lines as it arrives. A watch answers with one JSON object per
// line ("Transfer-Encoding: chunked", one event per line), and chunk boundaries fall anywhere:
// in the middle of a line, of a UTF-8 sequence, or between '\r' and '\n'. Only the incomplete
// tail is held; complete lines are handed over without copying when they lie within one chunk.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_JSON_LINES_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_JSON_LINES_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller::kube {

class LineSplitter {
 public:
  // Return false to stop: the rest of the data is dropped and Feed() returns OK.
  using LineHandler = std::function<bool(absl::string_view line)>;

  // A line longer than `max_line_bytes` is an error (kResourceExhausted), so a broken or
  // hostile server cannot make us buffer without end. The API server refuses objects over
  // ~1.5 MiB (etcd's request limit), so the default leaves ample room.
  explicit LineSplitter(size_t max_line_bytes = 16 << 20) : max_line_bytes_(max_line_bytes) {}

  // Hands every line completed by `data` to `on_line`, without its "\n" or "\r\n". Blank lines
  // are skipped.
  absl::Status Feed(absl::string_view data, const LineHandler& on_line);

  // The incomplete last line held so far (a stream that ends here was cut short).
  absl::string_view pending() const { return pending_; }

 private:
  bool Emit(absl::string_view line, const LineHandler& on_line);

  const size_t max_line_bytes_;
  std::string pending_;
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_JSON_LINES_H_
