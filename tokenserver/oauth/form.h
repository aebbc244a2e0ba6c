// application/x-www-form-urlencoded bodies and query strings, parsed strictly for OAuth:
// RFC 6749 §3.2 forbids repeating a parameter, so a duplicate is an error, not "last wins".
#ifndef NAUTHERA_TOKENSERVER_OAUTH_FORM_H_
#define NAUTHERA_TOKENSERVER_OAUTH_FORM_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

class Form {
 public:
  // InvalidArgument on bad percent-encoding or a repeated name (naming it).
  static absl::StatusOr<Form> Parse(absl::string_view text);

  // RFC 6749 §3.1: a parameter sent without a value is treated as omitted, so Get returns ""
  // for both, and Has is false for both.
  std::string Get(absl::string_view name) const;
  bool Has(absl::string_view name) const { return !Get(name).empty(); }
  bool empty() const { return values_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Percent-decoding with "+" as space (the form-urlencoded rule, also used inside HTTP Basic
// credentials by RFC 6749 §2.3.1).
absl::StatusOr<std::string> FormUrlDecode(absl::string_view text);

// True when `content_type` names application/x-www-form-urlencoded (parameters allowed).
bool IsFormContentType(absl::string_view content_type);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_FORM_H_
