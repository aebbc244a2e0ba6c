// VerifyJwt (tokenserver/tokens/jwt_verifier.h) against a fixed key set (tests/fuzz/
// fixed_state.h): the bearer token at /userinfo and the id_token_hint at /logout come from
// anyone. Three shapes of input, chosen by the first byte:
//  0. the bytes as a token: whatever verifies must carry iss == the issuer and an integer exp;
//  1. a header and a payload of arbitrary bytes, signed with the fixed key (RS256, RFC 7515
//     §7.1), so the fuzzer reaches what is read after the signature check;
//  2. arbitrary JSON claims signed by SignJwt (tokenserver/tokens/jws.h): the verifier gives
//     back exactly the claims, when they name the issuer, an exp after now and no nbf after now.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fixed_state.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/tokens/jws.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace {

using nauthera::fuzz::kIssuer;
using nauthera::fuzz::kNow;

const nauthera::JwtExpectations kAccessToken{"at+jwt", false};
const nauthera::JwtExpectations kIdTokenHint{"JWT", true};

void CheckVerified(const absl::StatusOr<nlohmann::json>& claims, bool allow_expired) {
  if (!claims.ok()) return;
  FUZZ_CHECK(claims->is_object());
  FUZZ_CHECK(claims->contains("iss") && (*claims)["iss"] == kIssuer);
  FUZZ_CHECK(claims->contains("exp") && (*claims)["exp"].is_number_integer());
  FUZZ_CHECK(allow_expired || (*claims)["exp"].get<int64_t>() > kNow);
  // RFC 7519 §4.1.5: never before nbf.
  FUZZ_CHECK(!claims->contains("nbf") || ((*claims)["nbf"].is_number_integer() &&
                                          (*claims)["nbf"].get<int64_t>() <= kNow));
}

void VerifyBoth(const nauthera::Snapshot& snapshot, const std::string& token) {
  CheckVerified(nauthera::VerifyJwt(snapshot, token, kAccessToken, kNow), false);
  CheckVerified(nauthera::VerifyJwt(snapshot, token, kIdTokenHint, kNow), true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nauthera::Snapshot& snapshot = nauthera::fuzz::FixedSnapshot();
  FuzzedDataProvider provider(data, size);
  switch (provider.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      VerifyBoth(snapshot, provider.ConsumeRemainingBytesAsString());
      break;
    case 1: {
      std::string header = provider.ConsumeRandomLengthString(512);
      std::string payload = provider.ConsumeRemainingBytesAsString();
      std::string input = absl::StrCat(nauthera::Base64UrlEncode(header), ".",
                                       nauthera::Base64UrlEncode(payload));
      auto signature = snapshot.active_key().Sign(input);
      FUZZ_CHECK(signature.ok());
      VerifyBoth(snapshot, absl::StrCat(input, ".", nauthera::Base64UrlEncode(*signature)));
      break;
    }
    case 2: {
      std::string typ = provider.ConsumeBool() ? "at+jwt" : "JWT";
      auto claims = nlohmann::ordered_json::parse(provider.ConsumeRemainingBytesAsString(),
                                                  nullptr, /*allow_exceptions=*/false);
      if (!claims.is_object()) break;
      auto token = nauthera::SignJwt(claims, typ, snapshot.active_key(), snapshot.active_kid());
      FUZZ_CHECK(token.ok());
      if (token->size() > 16384) break;  // the verifier refuses larger tokens
      auto verified = nauthera::VerifyJwt(snapshot, *token, {typ, false}, kNow);
      bool acceptable = claims.contains("iss") && claims["iss"] == kIssuer &&
                        claims.contains("exp") && claims["exp"].is_number_integer() &&
                        claims["exp"].get<int64_t>() > kNow &&
                        (!claims.contains("nbf") || (claims["nbf"].is_number_integer() &&
                                                     claims["nbf"].get<int64_t>() <= kNow));
      FUZZ_CHECK(verified.ok() == acceptable);
      if (verified.ok()) FUZZ_CHECK(*verified == nlohmann::json::parse(claims.dump()));
      break;
    }
  }
  return 0;
}
