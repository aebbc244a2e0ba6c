// Base64 and base64url (common/encoding/base64.h, RFC 4648 §4/§5) on arbitrary bytes.
// Invariants: decoding undoes encoding for any bytes; what decodes re-encodes to text that
// decodes to the same bytes; base64url never accepts "=" (JOSE, RFC 7515 §2) and its output
// has none; the strict decoders accept nothing outside their alphabet.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "common/encoding/base64.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool OnlyAlphabet(absl::string_view text, absl::string_view extra) {
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        extra.find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);

  std::string std_text = nauthera::Base64Encode(input);
  auto std_back = nauthera::Base64Decode(std_text);
  FUZZ_CHECK(std_back.ok() && *std_back == input);
  std::string url_text = nauthera::Base64UrlEncode(input);
  FUZZ_CHECK(url_text.find('=') == std::string::npos);
  auto url_back = nauthera::Base64UrlDecode(url_text);
  FUZZ_CHECK(url_back.ok() && *url_back == input);

  auto decoded = nauthera::Base64Decode(input);
  if (decoded.ok()) {
    FUZZ_CHECK(OnlyAlphabet(input, "+/="));
    FUZZ_CHECK(decoded->size() <= input.size());
    auto again = nauthera::Base64Decode(nauthera::Base64Encode(*decoded));
    FUZZ_CHECK(again.ok() && *again == *decoded);
  }
  auto url_decoded = nauthera::Base64UrlDecode(input);
  if (url_decoded.ok()) {
    FUZZ_CHECK(OnlyAlphabet(input, "-_"));
    auto again = nauthera::Base64UrlDecode(nauthera::Base64UrlEncode(*url_decoded));
    FUZZ_CHECK(again.ok() && *again == *url_decoded);
  }
  return 0;
}
