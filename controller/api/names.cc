#include "controller/api/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace nauthera::controller {
namespace {

bool IsLowerAlnum(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c); }

absl::Status Dns1123(absl::string_view name, size_t max, bool allow_dots, absl::string_view what) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is not a valid ", what, ": ",
                                                   why));
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > max) return bad(absl::StrCat("it is longer than ", max, " characters"));
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '-' && !(allow_dots && c == '.')) {
      return bad(allow_dots ? "use only lowercase letters, digits, '-' and '.'"
                            : "use only lowercase letters, digits and '-'");
    }
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) {
    return bad("it must start and end with a lowercase letter or digit");
  }
  return absl::OkStatus();
}

// Label names and values: alphanumerics, '-', '_', '.', starting and ending alphanumeric.
bool IsLabelToken(absl::string_view text) {
  if (text.empty() || text.size() > 63) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return absl::ascii_isalnum(text.front()) && absl::ascii_isalnum(text.back());
}

}  // namespace

absl::Status ValidateDns1123Subdomain(absl::string_view name) {
  return Dns1123(name, 253, true, "name");
}

absl::Status ValidateDns1123Label(absl::string_view name) {
  return Dns1123(name, 63, false, "namespace name");
}

absl::Status ValidateLabelKey(absl::string_view key) {
  size_t slash = key.find('/');
  absl::string_view name = key;
  if (slash != absl::string_view::npos) {
    if (!Dns1123(key.substr(0, slash), 253, true, "").ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("label key \"", key, "\": the prefix must be a DNS subdomain"));
    }
    name = key.substr(slash + 1);
  }
  if (!IsLabelToken(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "label key \"", key,
        "\": the name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with "
        "a letter or digit"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLabelValue(absl::string_view value) {
  if (value.empty() || IsLabelToken(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "label value \"", value,
      "\" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
      "letter or digit"));
}

absl::Status ValidateScopeToken(absl::string_view scope) {
  bool ok = !scope.empty();
  for (char c : scope) {
    unsigned char u = static_cast<unsigned char>(c);
    ok = ok && u >= 0x21 && u <= 0x7E && u != 0x22 && u != 0x5C;
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", scope, "\" is not a valid scope (RFC 6749 §3.3: printable ASCII without spaces, "
      "'\"' or '\\')"));
}

}  // namespace nauthera::controller
