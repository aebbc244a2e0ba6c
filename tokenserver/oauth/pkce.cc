#include "tokenserver/oauth/pkce.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

bool IsValidCodeChallenge(absl::string_view challenge) {
  return challenge.size() == 43 && Base64UrlDecode(challenge).ok();
}

bool IsValidCodeVerifier(absl::string_view verifier) {
  return verifier.size() >= 43 && verifier.size() <= 128 && absl::c_all_of(verifier, IsUnreserved);
}

bool VerifyS256(absl::string_view verifier, absl::string_view challenge) {
  if (!IsValidCodeVerifier(verifier)) return false;
  return ConstantTimeEquals(Base64UrlEncode(Sha256(verifier)), challenge);
}

}  // namespace nauthera
