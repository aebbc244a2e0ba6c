// GetCookie (tokenserver/web/cookies.h, RFC 6265bis §5.6) on arbitrary Cookie headers.
// Invariants: a value found is the text after "name=" of one ';'-separated pair of a Cookie
// header, so it never holds ';' and is part of the header; a Set-Cookie we write for a value
// read back gives that value.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http/http_types.h"
#include "common/http/request_head.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/web/cookies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  std::string name = provider.ConsumeRandomLengthString(32);
  nauthera::HttpRequest request;
  while (provider.remaining_bytes() > 0) {
    request.headers.emplace_back(provider.ConsumeBool() ? "cookie" : "x-other",
                                 provider.ConsumeRandomLengthString(256));
  }
  for (const std::string& wanted :
       {name, std::string("nauthera-session"), std::string("__Host-nauthera-csrf")}) {
    std::string value = nauthera::GetCookie(request, wanted);
    if (value.empty()) continue;
    FUZZ_CHECK(value.find(';') == std::string::npos);
    bool inside = false;
    for (const auto& [header, text] : request.headers) {
      if (header == "cookie" && absl::StrContains(text, absl::StrCat(wanted, "=", value))) {
        inside = true;
      }
    }
    FUZZ_CHECK(inside);
  }
  // RFC 6265 §4.1.1: a cookie-name is a token.
  if (nauthera::IsToken(name)) {
    nauthera::HttpRequest echoed;
    std::string set = nauthera::SetCookieValue(name, "v", 60, true, "Lax");
    FUZZ_CHECK(absl::StartsWith(set, absl::StrCat(name, "=v; ")));
    echoed.headers.emplace_back("cookie", absl::StrCat(name, "=v"));
    FUZZ_CHECK(nauthera::GetCookie(echoed, name) == "v");
  }
  return 0;
}
