#include "tokenserver/tokens/jwt_verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

absl::StatusOr<nlohmann::json> DecodePart(absl::string_view part) {
  auto text = Base64UrlDecode(part);
  if (!text.ok()) return absl::InvalidArgumentError("malformed token");
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object()) return absl::InvalidArgumentError("malformed token");
  return json;
}

}  // namespace

absl::StatusOr<nlohmann::json> VerifyJwt(const Snapshot& snapshot, absl::string_view token,
                                         const JwtExpectations& expect, int64_t now) {
  if (token.size() > 16384) return absl::InvalidArgumentError("token too large");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return absl::InvalidArgumentError("malformed token");
  auto header = DecodePart(parts[0]);
  if (!header.ok()) return header.status();
  // RFC 8725 §3.1: the algorithm is ours to pick, never the token's.
  if (header->value("alg", "") != "RS256") return absl::InvalidArgumentError("unexpected alg");
  if (header->value("typ", "") != expect.typ) return absl::InvalidArgumentError("unexpected typ");
  std::string kid = header->value("kid", "");
  const RsaKey* key = nullptr;
  for (const PublishedKey& published : snapshot.published_keys()) {
    if (published.kid == kid) key = published.key.get();
  }
  if (key == nullptr) return absl::InvalidArgumentError("unknown signing key");
  auto signature = Base64UrlDecode(parts[2]);
  std::string input = absl::StrCat(parts[0], ".", parts[1]);
  if (!signature.ok() || !key->VerifyRs256(input, *signature)) {
    return absl::InvalidArgumentError("bad signature");
  }
  auto claims = DecodePart(parts[1]);
  if (!claims.ok()) return claims.status();
  if (!claims->contains("iss") || (*claims)["iss"] != snapshot.issuer()) {
    return absl::InvalidArgumentError("wrong issuer");
  }
  if (!claims->contains("exp") || !(*claims)["exp"].is_number_integer()) {
    return absl::InvalidArgumentError("no exp");
  }
  if (!expect.allow_expired && (*claims)["exp"].get<int64_t>() <= now) {
    return absl::DeadlineExceededError("token expired");
  }
  return claims;
}

}  // namespace nauthera
