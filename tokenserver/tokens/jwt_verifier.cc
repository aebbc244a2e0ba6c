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

// A header member that must be a string when present; "" when absent. A number or an object
// where a string belongs is a malformed token (401), never an exception (500).
absl::StatusOr<std::string> StringMember(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return std::string();
  if (!it->is_string()) return absl::InvalidArgumentError(absl::StrCat("non-string ", name));
  return it->get<std::string>();
}

}  // namespace

absl::StatusOr<nlohmann::json> VerifyJwt(const Snapshot& snapshot, absl::string_view token,
                                         const JwtExpectations& expect, int64_t now) {
  if (token.size() > 16384) return absl::InvalidArgumentError("token too large");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return absl::InvalidArgumentError("malformed token");
  auto header = DecodePart(parts[0]);
  if (!header.ok()) return header.status();
  auto alg = StringMember(*header, "alg");
  auto typ = StringMember(*header, "typ");
  auto kid_member = StringMember(*header, "kid");
  if (!alg.ok() || !typ.ok() || !kid_member.ok()) return absl::InvalidArgumentError("malformed token");
  // RFC 8725 §3.1: the algorithm is ours to pick, never the token's.
  // Only what we sign with (RS256, ES256; never none or HS*), and below only with a key of
  // that very algorithm.
  if (!IsSupportedJwsAlgorithm(*alg)) return absl::InvalidArgumentError("unexpected alg");
  if (*typ != expect.typ) return absl::InvalidArgumentError("unexpected typ");
  // RFC 7515 §4.1.11: we understand no extension, so a token that lists any is refused.
  if (header->contains("crit")) return absl::InvalidArgumentError("unsupported crit");
  std::string kid = *kid_member;
  const JwsKey* key = nullptr;
  for (const PublishedKey& published : snapshot.published_keys()) {
    if (published.kid == kid) key = published.key.get();
  }
  if (key == nullptr) return absl::InvalidArgumentError("unknown signing key");
  if (key->Algorithm() != *alg) return absl::InvalidArgumentError("alg is not the key's");
  auto signature = Base64UrlDecode(parts[2]);
  std::string input = absl::StrCat(parts[0], ".", parts[1]);
  if (!signature.ok() || !key->Verify(input, *signature)) {
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
  // RFC 7519 §4.1.5: not to be accepted before nbf.
  if (claims->contains("nbf")) {
    const nlohmann::json& nbf = (*claims)["nbf"];
    if (!nbf.is_number_integer()) return absl::InvalidArgumentError("non-integer nbf");
    if (nbf.get<int64_t>() > now) return absl::InvalidArgumentError("token not yet valid");
  }
  return claims;
}

}  // namespace nauthera
