#include "common/http/response_writer.h"

#include <boost/beast/http/field.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/http/request_head.h"
#include "common/util/log.h"

namespace nauthera {
namespace {

namespace http = boost::beast::http;

// RFC 9110 §6.6.1: an origin server with a clock sends Date, IMF-fixdate.
// Formatted once a second per I/O thread.
const std::string& HttpDate() {
  thread_local int64_t second = -1;
  thread_local std::string text;
  absl::Time now = absl::Now();
  if (int64_t s = absl::ToUnixSeconds(now); s != second) {
    second = s;
    text = absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", now, absl::UTCTimeZone());
  }
  return text;
}

// Fields the server owns: framing and connection management are never the handler's.
bool ServerOwned(absl::string_view name) {
  return absl::EqualsIgnoreCase(name, "content-length") ||
         absl::EqualsIgnoreCase(name, "transfer-encoding") ||
         absl::EqualsIgnoreCase(name, "connection") || absl::EqualsIgnoreCase(name, "date");
}

std::string JsonEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string CheckResponse(const HttpResponse& response) {
  if (response.status < 200 || response.status > 599) {
    return absl::StrCat("status ", response.status, " out of range");
  }
  for (const auto& [name, value] : response.headers) {
    if (!IsToken(name)) return absl::StrCat("header name \"", JsonEscape(name), "\" is not a token");
    // RFC 9110 §5.5: CR/LF in a value would end the field and split the response.
    if (!IsSafeFieldValue(value)) return absl::StrCat("header ", name, " has a control character");
  }
  return "";
}

HttpResponse DefaultErrorResponse(int status, absl::string_view message) {
  const char* error = status >= 500 ? (status == 503 ? "temporarily_unavailable" : "server_error")
                                    : "invalid_request";
  HttpResponse response = HttpResponse::Json(
      status, absl::StrCat(R"({"error":")", error, R"(","error_description":")",
                           JsonEscape(message), "\"}"));
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

BeastResponse ToBeastResponse(HttpResponse response, const WriteOptions& options) {
  if (std::string problem = CheckResponse(response); !problem.empty()) {
    LogError("refused to write an unsafe response; answered 500", {{"problem", problem}});
    response = DefaultErrorResponse(500, "internal error");
  }
  BeastResponse out;
  out.version(options.version);
  out.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (ServerOwned(name)) continue;
    out.insert(name, value);  // insert, not set: Set-Cookie may repeat
  }
  out.set(http::field::date, HttpDate());
  out.keep_alive(options.keep_alive);
  size_t length = response.body.size();
  // RFC 9110 §15.3.5/§15.4.5: 204 and 304 carry no body and no Content-Length.
  if (response.status != 204 && response.status != 304) {
    out.content_length(length);
    if (!options.head) out.body() = std::move(response.body);
  }
  return out;
}

}  // namespace nauthera
