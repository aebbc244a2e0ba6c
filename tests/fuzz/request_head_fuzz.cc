// ScanRequestHead (common/http/request_head.h) on arbitrary bytes, with the default limits and
// with small ones so the fuzzer reaches every limit. Invariants:
//  - kComplete: the head lies inside the input and ends with the blank line; at most one of
//    chunked / Content-Length (RFC 9112 §6.1); the same head alone scans the same, and one
//    byte less of it is kNeedMore (the scanner is called again as bytes arrive);
//  - kRejected: a status the scanner documents (400, 414, 431, 505) and a reason;
//  - kNeedMore: never more bytes held than the limits allow (no unbounded buffering).
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "common/http/request_head.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using nauthera::HttpLimits;
using nauthera::RequestHead;
using State = RequestHead::State;

// RFC 9112 §2.2 lets the scanner skip up to 4 empty lines before the request line.
constexpr size_t kMaxSkippedBytes = 4 * 2;

void CheckScan(absl::string_view input, const HttpLimits& limits) {
  RequestHead scan = nauthera::ScanRequestHead(input, limits);
  switch (scan.state) {
    case State::kComplete: {
      size_t end = scan.skip_bytes + scan.head_bytes;
      FUZZ_CHECK(scan.head_bytes <= input.size());
      FUZZ_CHECK(end <= input.size());
      FUZZ_CHECK(scan.skip_bytes <= kMaxSkippedBytes);
      FUZZ_CHECK(end >= 4 && input.substr(end - 4, 4) == "\r\n\r\n");
      FUZZ_CHECK(!(scan.chunked && scan.has_content_length));
      FUZZ_CHECK(scan.has_content_length || scan.content_length == 0);
      FUZZ_CHECK(scan.version == 10 || scan.version == 11);
      FUZZ_CHECK(scan.status == 0);
      RequestHead alone = nauthera::ScanRequestHead(input.substr(0, end), limits);
      FUZZ_CHECK(alone.state == State::kComplete);
      FUZZ_CHECK(alone.skip_bytes == scan.skip_bytes && alone.head_bytes == scan.head_bytes);
      FUZZ_CHECK(alone.chunked == scan.chunked);
      FUZZ_CHECK(alone.has_content_length == scan.has_content_length);
      FUZZ_CHECK(alone.content_length == scan.content_length);
      RequestHead shorter = nauthera::ScanRequestHead(input.substr(0, end - 1), limits);
      FUZZ_CHECK(shorter.state == State::kNeedMore);
      break;
    }
    case State::kRejected:
      FUZZ_CHECK(scan.status == 400 || scan.status == 414 || scan.status == 431 ||
                 scan.status == 505);
      FUZZ_CHECK(!scan.reason.empty());
      break;
    case State::kNeedMore:
      // Skipped empty lines, the request line and its CRLF, the fields and the blank line.
      FUZZ_CHECK(input.size() <= kMaxSkippedBytes + limits.max_request_line_bytes + 2 +
                                     limits.max_header_bytes + 2);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckScan(input, HttpLimits());
  HttpLimits small;
  small.max_request_line_bytes = 32;
  small.max_header_bytes = 64;
  small.max_headers = 3;
  small.max_body_bytes = 16;
  CheckScan(input, small);
  return 0;
}
