#include "controller/kubeclient/json_lines.h"

#include "absl/strings/str_cat.h"

namespace nauthera::controller::kube {

bool LineSplitter::Emit(absl::string_view line, const LineHandler& on_line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return true;
  return on_line(line);
}

absl::Status LineSplitter::Feed(absl::string_view data, const LineHandler& on_line) {
  while (!data.empty()) {
    size_t newline = data.find('\n');
    if (newline == absl::string_view::npos) {
      if (pending_.size() + data.size() > max_line_bytes_) {
        pending_.clear();
        return absl::ResourceExhaustedError(
            absl::StrCat("a streamed line is longer than ", max_line_bytes_, " bytes"));
      }
      pending_.append(data.data(), data.size());
      return absl::OkStatus();
    }
    absl::string_view head = data.substr(0, newline);
    data.remove_prefix(newline + 1);
    bool go_on;
    if (pending_.empty()) {
      // The same limit as for a line cut across chunks, so where the chunks fall never decides
      // whether a stream is accepted (found by tests/fuzz/watch_line_fuzz.cc).
      if (head.size() > max_line_bytes_) {
        return absl::ResourceExhaustedError(
            absl::StrCat("a streamed line is longer than ", max_line_bytes_, " bytes"));
      }
      go_on = Emit(head, on_line);
    } else {
      if (pending_.size() + head.size() > max_line_bytes_) {
        pending_.clear();
        return absl::ResourceExhaustedError(
            absl::StrCat("a streamed line is longer than ", max_line_bytes_, " bytes"));
      }
      pending_.append(head.data(), head.size());
      std::string line;
      line.swap(pending_);
      go_on = Emit(line, on_line);
    }
    if (!go_on) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace nauthera::controller::kube
