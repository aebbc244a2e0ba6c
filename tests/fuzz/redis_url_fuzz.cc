// ParseRedisUrl (tokenserver/store/redis_url.h) on arbitrary bytes: the --redis-url flag,
// which may come from a Secret. Invariants: an accepted URL has a host, a port in 1..65535
// and a database >= 0; rediss:// is never accepted; Redacted() never shows the password.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/store/redis_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto url = nauthera::ParseRedisUrl(input);
  if (!url.ok()) return 0;
  FUZZ_CHECK(absl::StartsWith(input, "redis://"));
  FUZZ_CHECK(!url->host.empty());
  FUZZ_CHECK(url->port >= 1 && url->port <= 65535);
  FUZZ_CHECK(url->db >= 0);
  std::string redacted = url->Redacted();
  FUZZ_CHECK(absl::StartsWith(redacted, "redis://"));
  // The password is replaced by "***": another password of its own emptiness redacts the same.
  nauthera::RedisUrl other = *url;
  other.password = url->password.empty() ? "" : "x";
  FUZZ_CHECK(redacted == other.Redacted());
  return 0;
}
