#include "tokenserver/session/sealed_value.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

std::string Mac(absl::string_view key, absl::string_view purpose, absl::string_view body) {
  return HmacSha256(key, absl::StrCat(purpose, ".", body));
}

}  // namespace

std::string Seal(absl::string_view key, absl::string_view purpose, nlohmann::json payload,
                 int64_t expires_at) {
  payload["exp"] = expires_at;
  std::string body = Base64UrlEncode(payload.dump());
  return absl::StrCat(body, ".", Base64UrlEncode(Mac(key, purpose, body)));
}

absl::StatusOr<nlohmann::json> Unseal(absl::string_view key, absl::string_view purpose,
                                      absl::string_view sealed, int64_t now) {
  if (key.empty()) return absl::FailedPreconditionError("no session key");
  size_t dot = sealed.find('.');
  if (dot == absl::string_view::npos || sealed.size() > 8192) {
    return absl::InvalidArgumentError("malformed sealed value");
  }
  absl::string_view body = sealed.substr(0, dot);
  auto mac = Base64UrlDecode(sealed.substr(dot + 1));
  if (!mac.ok() || !ConstantTimeEquals(*mac, Mac(key, purpose, body))) {
    return absl::PermissionDeniedError("bad MAC");
  }
  auto text = Base64UrlDecode(body);
  if (!text.ok()) return absl::InvalidArgumentError("malformed payload");
  nlohmann::json payload = nlohmann::json::parse(*text, nullptr, false);
  if (!payload.is_object() || !payload.contains("exp") || !payload["exp"].is_number_integer()) {
    return absl::InvalidArgumentError("malformed payload");
  }
  if (payload["exp"].get<int64_t>() <= now) return absl::DeadlineExceededError("expired");
  return payload;
}

}  // namespace nauthera
