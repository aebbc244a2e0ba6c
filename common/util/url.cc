#include "common/util/url.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {

absl::StatusOr<Url> ParseUrl(absl::string_view text) {
  Url url;
  // RFC 3986 §2: a URI has no spaces and no control characters; a CR/LF here could reach a
  // Location header.
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError("a URL may not contain spaces or control characters");
    }
  }
  size_t colon = text.find("://");
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an absolute URL"));
  }
  url.scheme = absl::AsciiStrToLower(text.substr(0, colon));
  absl::string_view rest = text.substr(colon + 3);
  size_t hash = rest.find('#');
  if (hash != absl::string_view::npos) {
    url.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  size_t question = rest.find('?');
  if (question != absl::string_view::npos) {
    url.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) url.path = std::string(rest.substr(slash));
  if (authority.find('@') != absl::string_view::npos) {
    return absl::InvalidArgumentError("URLs with user information are not allowed");
  }
  absl::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("unclosed IPv6 host");
    url.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return absl::InvalidArgumentError("bad characters after IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    size_t port_colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, port_colon));
    if (port_colon != absl::string_view::npos) port_text = authority.substr(port_colon + 1);
  }
  if (url.host.empty()) return absl::InvalidArgumentError("the URL has no host");
  url.host = absl::AsciiStrToLower(url.host);
  // RFC 3986 §3.2.3: port = *DIGIT (SimpleAtoi alone would take "+80" or " 80").
  bool digits = !port_text.empty() && port_text.size() <= 5 &&
                absl::c_all_of(port_text, [](char c) { return c >= '0' && c <= '9'; });
  if (!port_text.empty() &&
      (!digits || !absl::SimpleAtoi(port_text, &url.port) || url.port <= 0 ||
       url.port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat("bad port \"", port_text, "\""));
  }
  return url;
}

bool IsLoopbackHost(absl::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view part : parts) {
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 0 || value > 255) return false;
  }
  return true;
}

absl::Status ValidateIssuerUrl(absl::string_view issuer) {
  auto url = ParseUrl(issuer);
  if (!url.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("issuerUrl \"", issuer, "\": ", url.status().message()));
  }
  if (!url->query.empty() || !url->fragment.empty() || issuer.find('#') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("issuerUrl \"", issuer, "\" must not have a query or fragment"));
  }
  if (url->scheme == "https") return absl::OkStatus();
  if (url->scheme == "http" && IsLoopbackHost(url->host)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "issuerUrl \"", issuer,
      "\" must use https:// (plain http is allowed only for loopback issuers such as "
      "http://127.0.0.1:8080)"));
}

std::string FormUrlEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '*') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string> PercentDecode(absl::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int high = i + 1 < text.size() ? hex(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex(text[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

}  // namespace nauthera
