#include "common/http/http_flags.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace nauthera {
namespace {

absl::Status CheckRange(const char* flag, int value, int min, int max) {
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, "=", value, " is out of range; use ", min, "..", max));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::chrono::milliseconds> Timeout(const char* flag, const std::string& text) {
  return ParseFlagDuration(flag, text, absl::Milliseconds(100), absl::Hours(1));
}

}  // namespace

absl::StatusOr<std::chrono::milliseconds> ParseFlagDuration(const char* flag,
                                                            const std::string& text,
                                                            absl::Duration min,
                                                            absl::Duration max) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d < min || d > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, "=", text, " is not a duration between ", absl::FormatDuration(min),
        " and ", absl::FormatDuration(max), " (e.g. 10s, 2m)"));
  }
  return std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

absl::StatusOr<HttpLimits> HttpFlagValues::ToLimits() const {
  for (absl::Status s : {CheckRange("http-max-request-line-bytes", max_request_line_bytes, 256,
                                    1 << 20),
                         CheckRange("http-max-header-bytes", max_header_bytes, 1024, 1 << 20),
                         CheckRange("http-max-headers", max_headers, 8, 10000),
                         CheckRange("http-max-body-bytes", max_body_bytes, 1024, 16 << 20),
                         CheckRange("http-max-connections", max_connections, 1, 1 << 20)}) {
    if (!s.ok()) return s;
  }
  HttpLimits limits;
  limits.max_request_line_bytes = static_cast<size_t>(max_request_line_bytes);
  limits.max_header_bytes = static_cast<size_t>(max_header_bytes);
  limits.max_headers = static_cast<size_t>(max_headers);
  limits.max_body_bytes = static_cast<size_t>(max_body_bytes);
  limits.max_connections = max_connections;
  auto header = Timeout("http-header-timeout", header_timeout);
  if (!header.ok()) return header.status();
  auto body = Timeout("http-body-timeout", body_timeout);
  if (!body.ok()) return body.status();
  auto idle = Timeout("http-idle-timeout", idle_timeout);
  if (!idle.ok()) return idle.status();
  limits.header_timeout = *header;
  limits.body_timeout = *body;
  limits.idle_timeout = *idle;
  return limits;
}

void DeclareHttpFlags(FlagSet* flags, HttpFlagValues* v) {
  flags->Int("http-max-request-line-bytes", &v->max_request_line_bytes,
             "Longest request line (method, target, version); longer is answered 414");
  flags->Int("http-max-header-bytes", &v->max_header_bytes,
             "Largest header block after the request line; larger is answered 431");
  flags->Int("http-max-headers", &v->max_headers,
             "Most header fields in a request; more is answered 431");
  flags->Int("http-max-body-bytes", &v->max_body_bytes,
             "Largest request body on any route (routes may allow less); larger is answered 413 "
             "before it is read");
  flags->String("http-header-timeout", &v->header_timeout,
                "Time from a request's first byte to the end of its header block");
  flags->String("http-body-timeout", &v->body_timeout,
                "Time from the end of a request's header block to the end of its body");
  flags->String("http-idle-timeout", &v->idle_timeout,
                "Time a kept-alive connection may wait for its next request");
  flags->Int("http-max-connections", &v->max_connections,
             "Open connections at once; one more is answered 503 with Retry-After");
}

}  // namespace nauthera
