// A strict, incremental check of a chunked body's framing (RFC 9112 §7.1), run on the raw
// bytes before Boost.Beast decodes them, as request_head.h is for the head: chunk sizes are
// 1*HEXDIG, extensions are `;name[=token|quoted-string]`, lines end in CRLF, chunk data is
// followed by CRLF, trailer lines are fields. Beast alone waits forever (until the body
// timeout) on an unterminated quoted extension; here it is a 400 at once. Pure: unit-tested
// and fuzzed without a socket.
#ifndef NAUTHERA_COMMON_HTTP_CHUNKED_SCAN_H_
#define NAUTHERA_COMMON_HTTP_CHUNKED_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace nauthera {

class ChunkedScanner {
 public:
  // `max_line_bytes` bounds a chunk-size line and a trailer line; `max_trailer_bytes` the
  // whole trailer section.
  ChunkedScanner(size_t max_line_bytes, size_t max_trailer_bytes)
      : max_line_(max_line_bytes), max_trailer_(max_trailer_bytes) {}

  // Looks at the next bytes of the body (each byte exactly once, in order). Returns how
  // many belong to the chunked body; fewer than data.size() only when the body has ended
  // (done()) — the rest is the next request — or it was rejected.
  size_t Feed(absl::string_view data);

  bool done() const { return state_ == State::kDone; }
  bool rejected() const { return state_ == State::kRejected; }
  const std::string& reason() const { return reason_; }

 private:
  enum class State { kSizeLine, kData, kDataCr, kDataLf, kTrailerLine, kDone, kRejected };
  void Reject(std::string reason);
  // A complete line (without CRLF).
  void OnSizeLine(absl::string_view line);
  void OnTrailerLine(absl::string_view line);

  const size_t max_line_;
  const size_t max_trailer_;
  State state_ = State::kSizeLine;
  std::string line_;  // the line being received, CR included once seen
  uint64_t data_left_ = 0;
  size_t trailer_bytes_ = 0;
  std::string reason_;
};

// RFC 9112 §7.1.1 chunk-ext after the size: *( BWS ";" BWS name [ BWS "=" BWS value ] ).
bool IsValidChunkExtensions(absl::string_view ext);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_CHUNKED_SCAN_H_
