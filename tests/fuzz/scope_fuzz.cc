// ParseScope (tokenserver/oauth/scope.h, RFC 6749 §3.3) on arbitrary bytes. Invariants: every
// accepted scope-token is non-empty, of %x21 / %x23-5B / %x5D-7E only, and unique; joining them
// with single spaces parses back to the same list; GrantScopes grants only registered scopes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/algorithm/container.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/oauth/scope.h"

namespace {

bool IsScopeTokenChar(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto scopes = nauthera::ParseScope(input);
  if (!scopes.ok()) {
    FUZZ_CHECK(scopes.error().code == nauthera::OAuthErrorCode::kInvalidScope);
    return 0;
  }
  for (size_t i = 0; i < scopes->size(); ++i) {
    const std::string& token = scopes.value()[i];
    FUZZ_CHECK(!token.empty());
    FUZZ_CHECK(absl::c_all_of(token, [](char c) { return IsScopeTokenChar(c); }));
    FUZZ_CHECK(std::find(scopes->begin() + i + 1, scopes->end(), token) == scopes->end());
  }
  auto again = nauthera::ParseScope(absl::StrJoin(scopes.value(), " "));
  FUZZ_CHECK(again.ok() && again.value() == scopes.value());

  nauthera::StringList registered;
  for (const char* scope : {"openid", "profile", "email"}) registered.Add(scope);
  nauthera::StringList allowed;
  allowed.Add("openid");
  allowed.Add("email");
  auto granted = nauthera::GrantScopes(scopes.value(), registered, allowed);
  if (granted.ok()) {
    for (const std::string& scope : granted.value()) {
      FUZZ_CHECK(absl::c_find(registered, scope) != registered.end());
      FUZZ_CHECK(absl::c_find(allowed, scope) != allowed.end());
    }
  }
  return 0;
}
