// Unseal (tokenserver/session/sealed_value.h) with a fixed key on arbitrary bytes: the session
// cookie and the login form's carried request, as a browser may send them back. Invariants:
// without the key nothing opens (a fuzzer cannot forge HMAC-SHA-256), and anything opened has
// an integer exp after now; Seal then Unseal gives the payload back for any JSON object, and
// never opens for another purpose, another key or after exp.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "nlohmann/json.hpp"
#include "tests/fuzz/fixed_state.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/session/sealed_value.h"

namespace {

using nauthera::fuzz::kNow;
using nauthera::fuzz::kSessionKey;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  const bool round_trip = provider.ConsumeBool();
  const std::string text = provider.ConsumeRemainingBytesAsString();

  if (!round_trip) {
    auto opened = nauthera::Unseal(kSessionKey, "session", text, kNow);
    if (opened.ok()) {
      // Only reachable by a valid MAC: libFuzzer found a second preimage, or the check is gone.
      FUZZ_CHECK(opened->is_object() && (*opened)["exp"].is_number_integer());
      FUZZ_CHECK((*opened)["exp"].get<int64_t>() > kNow);
    }
    return 0;
  }
  nlohmann::json payload = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return 0;
  std::string sealed = nauthera::Seal(kSessionKey, "session", payload, kNow + 60);
  if (sealed.size() > 8192) return 0;  // Unseal bounds what it reads
  auto opened = nauthera::Unseal(kSessionKey, "session", sealed, kNow);
  FUZZ_CHECK(opened.ok());
  payload["exp"] = kNow + 60;
  FUZZ_CHECK(*opened == payload);
  FUZZ_CHECK(!nauthera::Unseal(kSessionKey, "login", sealed, kNow).ok());
  FUZZ_CHECK(!nauthera::Unseal("another-key-0123456789abcdef0123", "session", sealed, kNow).ok());
  FUZZ_CHECK(!nauthera::Unseal(kSessionKey, "session", sealed, kNow + 60).ok());
  return 0;
}
