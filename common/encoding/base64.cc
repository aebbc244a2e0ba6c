#include "common/encoding/base64.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace nauthera {
namespace {

// Only the alphabet, with at most two "=" at the end: absl alone tolerates whitespace.
bool IsStrictAlphabet(absl::string_view text, char c62, char c63) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=' && text.size() - end < 2) --end;
  for (size_t i = 0; i < end; ++i) {
    char c = text[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != c62 && c != c63) return false;
  }
  return true;
}

}  // namespace

std::string Base64Encode(absl::string_view data) { return absl::Base64Escape(data); }

absl::StatusOr<std::string> Base64Decode(absl::string_view text) {
  std::string out;
  if (!IsStrictAlphabet(text, '+', '/') || !absl::Base64Unescape(text, &out)) {
    return absl::InvalidArgumentError("not valid base64");
  }
  return out;
}

std::string Base64UrlEncode(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  std::string out;
  if (!IsStrictAlphabet(text, '-', '_') || text.find('=') != absl::string_view::npos ||
      !absl::WebSafeBase64Unescape(text, &out)) {
    return absl::InvalidArgumentError("not valid base64url");
  }
  return out;
}

}  // namespace nauthera
