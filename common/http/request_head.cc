#include "common/http/request_head.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace nauthera {
namespace {

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
constexpr int kMaxLeadingEmptyLines = 4;
// 2^64 has 20 digits; 19 always fit in uint64_t.
constexpr size_t kMaxContentLengthDigits = 19;

RequestHead Reject(int status, std::string reason) {
  RequestHead head;
  head.state = RequestHead::State::kRejected;
  head.status = status;
  head.reason = std::move(reason);
  return head;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A character of a request-target: visible US-ASCII only (RFC 9112 §3.2, RFC 3986 §2).
bool IsTargetChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version, single spaces.
// Returns the rejection, or nothing (and sets *version).
std::optional<RequestHead> CheckRequestLine(absl::string_view line, int* version) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == absl::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == absl::string_view::npos || line.find(' ', sp2 + 1) != absl::string_view::npos) {
    return Reject(400, "malformed request line");
  }
  absl::string_view method = line.substr(0, sp1);
  absl::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  absl::string_view proto = line.substr(sp2 + 1);
  if (!IsToken(method)) return Reject(400, "malformed method");
  if (target.empty()) return Reject(400, "empty request target");
  for (char c : target) {
    if (!IsTargetChar(c)) return Reject(400, "invalid character in the request target");
  }
  // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
  if (proto.size() != 8 || !absl::StartsWith(proto, "HTTP/") || !IsDigit(proto[5]) ||
      proto[6] != '.' || !IsDigit(proto[7])) {
    return Reject(400, "malformed HTTP version");
  }
  int v = (proto[5] - '0') * 10 + (proto[7] - '0');
  // RFC 9110 §15.6.6: 505 for a major version we do not support. Only 1.0 and 1.1 exist.
  if (v != 10 && v != 11) return Reject(505, "only HTTP/1.0 and HTTP/1.1 are served");
  *version = v;
  return std::nullopt;
}

// Framing fields seen so far (RFC 9112 §6).
struct Framing {
  int hosts = 0;
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
};

// One field line "name: value" (RFC 9112 §5). Returns the rejection, or nothing.
std::optional<RequestHead> CheckField(absl::string_view line, Framing* framing) {
  // RFC 9112 §5.2: obsolete line folding; a server MUST reject it or replace it. We reject.
  if (line[0] == ' ' || line[0] == '\t') return Reject(400, "obsolete line folding");
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return Reject(400, "header line without a colon");
  absl::string_view name = line.substr(0, colon);
  // RFC 9112 §5.1: no whitespace between the name and the colon; MUST answer 400.
  if (!IsToken(name)) return Reject(400, "malformed header name");
  absl::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  // RFC 9110 §5.5: CR, LF and NUL are never valid in a value; other controls neither.
  if (!IsSafeFieldValue(value)) return Reject(400, "control character in a header value");
  if (absl::EqualsIgnoreCase(name, "host")) {
    ++framing->hosts;
  } else if (absl::EqualsIgnoreCase(name, "content-length")) {
    // RFC 9112 §6.3 item 5: several or invalid lengths are unrecoverable framing errors.
    // A list ("1,1") or a repeated field is refused, not reconciled.
    if (framing->has_content_length) return Reject(400, "repeated Content-Length");
    if (value.empty() || value.size() > kMaxContentLengthDigits) {
      return Reject(400, "invalid Content-Length");
    }
    for (char c : value) {
      if (!IsDigit(c)) return Reject(400, "invalid Content-Length");
    }
    (void)absl::SimpleAtoi(value, &framing->content_length);
    framing->has_content_length = true;
  } else if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
    // RFC 9112 §6.1: we implement only "chunked" and accept nothing layered on it.
    if (framing->chunked) return Reject(400, "repeated Transfer-Encoding");
    if (!absl::EqualsIgnoreCase(value, "chunked")) {
      return Reject(400, "unsupported Transfer-Encoding (only \"chunked\" is accepted)");
    }
    framing->chunked = true;
  }
  return std::nullopt;
}

}  // namespace

bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsSafeFieldValue(absl::string_view value) {
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

RequestHead ScanRequestHead(absl::string_view data, const HttpLimits& limits) {
  // 1. Empty lines before the request line.
  size_t pos = 0;
  for (int empty = 0; data.substr(pos, 2) == "\r\n"; ++empty) {
    if (empty == kMaxLeadingEmptyLines) return Reject(400, "too many empty lines");
    pos += 2;
  }
  const size_t start = pos;
  // 2. The request line, bounded before it is complete (RFC 9112 §3: 414 when too long).
  size_t nl = data.find('\n', start);
  if (nl == absl::string_view::npos) {
    if (data.size() - start > limits.max_request_line_bytes + 1) {
      return Reject(414, "request line too long");
    }
    return RequestHead();
  }
  // RFC 9112 §2.2: we do not accept a bare LF as a line terminator.
  if (nl == start || data[nl - 1] != '\r') return Reject(400, "bare LF in the request line");
  absl::string_view line = data.substr(start, nl - 1 - start);
  if (line.size() > limits.max_request_line_bytes) return Reject(414, "request line too long");
  int version = 11;
  if (std::optional<RequestHead> bad = CheckRequestLine(line, &version)) return *bad;
  // 3. Field lines, bounded in bytes and count (RFC 6585 §5: 431).
  const size_t fields_start = nl + 1;
  const size_t max_fields_bytes = limits.max_header_bytes + 2;  // + the blank line
  Framing framing;
  size_t count = 0;
  pos = fields_start;
  for (;;) {
    nl = data.find('\n', pos);
    if (nl == absl::string_view::npos) {
      if (data.size() - fields_start > max_fields_bytes) return Reject(431, "header too large");
      return RequestHead();
    }
    if (nl + 1 - fields_start > max_fields_bytes) return Reject(431, "header too large");
    if (nl == pos || data[nl - 1] != '\r') return Reject(400, "bare LF in the header");
    line = data.substr(pos, nl - 1 - pos);
    pos = nl + 1;
    if (line.empty()) break;
    if (++count > limits.max_headers) return Reject(431, "too many header fields");
    if (std::optional<RequestHead> bad = CheckField(line, &framing)) return *bad;
  }
  // 4. Framing the whole head agrees on.
  // RFC 9112 §6.1: Transfer-Encoding with Content-Length is a smuggling attempt; close.
  if (framing.chunked && framing.has_content_length) {
    return Reject(400, "both Transfer-Encoding and Content-Length");
  }
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing.
  if (framing.chunked && version == 10) return Reject(400, "Transfer-Encoding in HTTP/1.0");
  // RFC 9112 §3.2: HTTP/1.1 needs exactly one Host; more than one is always an error.
  if (framing.hosts > 1 || (version == 11 && framing.hosts == 0)) {
    return Reject(400, "an HTTP/1.1 request needs exactly one Host header");
  }
  RequestHead head;
  head.state = RequestHead::State::kComplete;
  head.skip_bytes = start;
  head.head_bytes = pos - start;
  head.chunked = framing.chunked;
  head.has_content_length = framing.has_content_length;
  head.content_length = framing.content_length;
  head.version = version;
  return head;
}

}  // namespace nauthera
