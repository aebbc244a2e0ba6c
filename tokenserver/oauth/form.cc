#include "tokenserver/oauth/form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> FormUrlDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return absl::InvalidArgumentError("malformed percent-encoding");
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<Form> Form::Parse(absl::string_view text) {
  Form form;
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    auto name = FormUrlDecode(pair.substr(0, eq));
    if (!name.ok()) return name.status();
    auto value = FormUrlDecode(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter \"", *name, "\": ", value.status().message()));
    }
    if (!form.values_.emplace(*name, *value).second) {
      // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
      return absl::InvalidArgumentError(
          absl::StrCat("parameter \"", *name, "\" is repeated; send each parameter once"));
    }
  }
  return form;
}

std::string Form::Get(absl::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? "" : it->second;
}

bool IsFormContentType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media),
                                "application/x-www-form-urlencoded");
}

}  // namespace nauthera
