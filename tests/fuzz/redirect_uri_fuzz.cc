// Redirect URI parsing and matching (common/util/url.h ParseUrl, tokenserver/oauth/
// redirect_uri.h; RFC 6749 §3.1.2.3, RFC 8252 §7.3) on a registered and a requested URI cut
// from arbitrary bytes. Invariants: ParseUrl gives a lowercase scheme, a non-empty host, a
// path that is empty or starts with "/", a port in 0..65535; SameRedirectUri is reflexive and
// symmetric; and a match never sends the browser to another scheme or host than registered.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/util/url.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/oauth/redirect_uri.h"

namespace {

void CheckParsed(const std::string& text) {
  auto url = nauthera::ParseUrl(text);
  if (!url.ok()) return;
  FUZZ_CHECK(!url->scheme.empty() && url->scheme == absl::AsciiStrToLower(url->scheme));
  FUZZ_CHECK(!url->host.empty() && url->host == absl::AsciiStrToLower(url->host));
  FUZZ_CHECK(url->path.empty() || url->path[0] == '/');
  FUZZ_CHECK(url->port >= 0 && url->port <= 65535);
  FUZZ_CHECK(url->host.find('@') == std::string::npos);
  (void)nauthera::IsLoopbackHost(url->host);
  (void)nauthera::ValidateIssuerUrl(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  std::string registered = provider.ConsumeRandomLengthString(512);
  std::string requested = provider.ConsumeRemainingBytesAsString();
  CheckParsed(registered);
  CheckParsed(requested);

  FUZZ_CHECK(nauthera::SameRedirectUri(registered, registered));
  FUZZ_CHECK(nauthera::SameRedirectUri(registered, requested) ==
             nauthera::SameRedirectUri(requested, registered));

  google::protobuf::RepeatedPtrField<std::string> list;
  list.Add()->assign(registered);
  bool matches = nauthera::RedirectUriMatches(list, requested);
  if (matches) {
    // RFC 6749 §10.6 / RFC 9700 §4.1: never a redirect to somewhere not registered.
    FUZZ_CHECK(!requested.empty() && requested.find('#') == std::string::npos);
    auto a = nauthera::ParseUrl(registered);
    auto b = nauthera::ParseUrl(requested);
    FUZZ_CHECK(a.ok() == b.ok());
    if (a.ok()) {
      FUZZ_CHECK(a->scheme == b->scheme);
      FUZZ_CHECK(a->host == b->host);
      FUZZ_CHECK(a->query == b->query);
    }
    if (a.ok() && a->port != b->port) {
      // Only a loopback IP literal over http may differ in port (RFC 8252 §7.3).
      FUZZ_CHECK(a->scheme == "http" && a->host != "localhost" && nauthera::IsLoopbackHost(a->host));
    }
  }
  if (!requested.empty() && requested.find('#') == std::string::npos) {
    list.Clear();
    list.Add()->assign(requested);
    FUZZ_CHECK(nauthera::RedirectUriMatches(list, requested));
  }
  std::string appended = nauthera::AppendQuery(registered, "code=c&state=s");
  FUZZ_CHECK(absl::StartsWith(appended, registered) && absl::EndsWith(appended, "code=c&state=s"));
  return 0;
}
