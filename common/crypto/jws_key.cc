#include "common/crypto/jws_key.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/ec_key.h"
#include "common/crypto/rsa_key.h"

namespace nauthera {

bool IsSupportedJwsAlgorithm(absl::string_view alg) { return alg == kRs256 || alg == kEs256; }

absl::StatusOr<std::unique_ptr<JwsKey>> GenerateJwsKey(absl::string_view alg) {
  if (alg == kRs256) {
    auto key = RsaKey::Generate(2048);
    if (!key.ok()) return key.status();
    return std::unique_ptr<JwsKey>(std::move(*key));
  }
  if (alg == kEs256) {
    auto key = EcKey::Generate();
    if (!key.ok()) return key.status();
    return std::unique_ptr<JwsKey>(std::move(*key));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported signing algorithm \"", alg, "\" (RS256 or ES256)"));
}

absl::StatusOr<std::unique_ptr<JwsKey>> JwsKeyFromPrivatePem(absl::string_view alg,
                                                             absl::string_view pem) {
  if (alg == kRs256) {
    auto key = RsaKey::FromPrivatePem(pem);
    if (!key.ok()) return key.status();
    return std::unique_ptr<JwsKey>(std::move(*key));
  }
  if (alg == kEs256) {
    auto key = EcKey::FromPrivatePem(pem);
    if (!key.ok()) return key.status();
    return std::unique_ptr<JwsKey>(std::move(*key));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported signing algorithm \"", alg, "\" (RS256 or ES256)"));
}

}  // namespace nauthera
