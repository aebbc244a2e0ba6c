#include "tokenserver/oauth/form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/util/url.h"

namespace nauthera {

absl::StatusOr<std::string> FormUrlDecode(absl::string_view text) {
  // "+" is a space in form encoding (WHATWG URL Standard §5.1); it is replaced first, so "%2B"
  // stays a plus sign.
  std::optional<std::string> decoded = PercentDecode(absl::StrReplaceAll(text, {{"+", " "}}));
  if (!decoded) return absl::InvalidArgumentError("malformed percent-encoding");
  return *std::move(decoded);
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
