#include "tokenserver/tokens/jws.h"

#include "absl/strings/str_cat.h"
#include "common/encoding/base64.h"

namespace nauthera {

absl::StatusOr<std::string> SignJwt(const nlohmann::ordered_json& claims, absl::string_view typ,
                                    const JwsKey& key, absl::string_view kid) {
  nlohmann::ordered_json header;
  header["alg"] = std::string(key.Algorithm());
  header["typ"] = std::string(typ);
  header["kid"] = std::string(kid);
  std::string signing_input =
      absl::StrCat(Base64UrlEncode(header.dump()), ".",
                   Base64UrlEncode(claims.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace)));
  auto signature = key.Sign(signing_input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", Base64UrlEncode(*signature));
}

}  // namespace nauthera
