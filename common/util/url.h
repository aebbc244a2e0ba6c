// Just enough URL handling for issuer URLs and redirect URIs.
#ifndef NAUTHERA_COMMON_UTIL_URL_H_
#define NAUTHERA_COMMON_UTIL_URL_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

struct Url {
  std::string scheme;  // lowercase
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0 when absent
  std::string path;    // "" or starting with "/"
  std::string query;   // without "?"
  std::string fragment;
};

absl::StatusOr<Url> ParseUrl(absl::string_view text);

// 127.0.0.0/8, ::1 and "localhost": hosts where plain HTTP stays on this machine.
bool IsLoopbackHost(absl::string_view host);

// An issuer must be https (RFC 8414 §2, OpenID Discovery §4), except on loopback, and must
// have no query or fragment.
absl::Status ValidateIssuerUrl(absl::string_view issuer);

// application/x-www-form-urlencoded component encoding (spaces as "+").
std::string FormUrlEncode(absl::string_view text);

// Percent-decoding (RFC 3986 §2.1): "%" must be followed by two hex digits; nothing else is
// changed ("+" stays "+"). nullopt on a malformed escape; the caller says where it was.
std::optional<std::string> PercentDecode(absl::string_view text);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_UTIL_URL_H_
