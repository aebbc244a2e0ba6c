// The first, strict look at a request's head (request line + header fields), on the raw
// bytes, before Boost.Beast parses them and before any body is read. It refuses what
// RFC 9112 says a server must refuse or may refuse, and what makes request smuggling
// possible when two parsers disagree: every framing question gets exactly one answer here.
// Pure, so it is unit-tested and fuzzed without a socket.
#ifndef NAUTHERA_COMMON_HTTP_REQUEST_HEAD_H_
#define NAUTHERA_COMMON_HTTP_REQUEST_HEAD_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/http/http_limits.h"

namespace nauthera {

struct RequestHead {
  enum class State { kNeedMore, kComplete, kRejected };
  State state = State::kNeedMore;
  // kRejected: the status to answer (400, 414, 431, 505) and why, for the log and the body.
  int status = 0;
  std::string reason;
  // kComplete: empty lines before the request line (RFC 9112 §2.2 lets a server skip them)
  // and the head's length after them, through the blank line that ends it.
  size_t skip_bytes = 0;
  size_t head_bytes = 0;
  // kComplete: what framing the head declares (at most one of the two), and the version.
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  int version = 11;  // 10 or 11
};

// Looks at the bytes received so far on a connection, from the start of a request.
// kNeedMore means the head is not complete and no limit is exceeded yet: read more.
RequestHead ScanRequestHead(absl::string_view data, const HttpLimits& limits);

// RFC 9110 §5.1 token characters (header names, methods).
bool IsTokenChar(char c);
// A header value Nauthera may write: visible ASCII, obs-text, SP and HTAB; never CR, LF or
// NUL (RFC 9110 §5.5), so no response can be split.
bool IsSafeFieldValue(absl::string_view value);
bool IsToken(absl::string_view text);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_REQUEST_HEAD_H_
