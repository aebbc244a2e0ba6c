// JWS Compact Serialization (RFC 7515 §7.1) signed with RS256 or ES256 (RFC 7518 §3.3, §3.4).
#ifndef NAUTHERA_TOKENSERVER_TOKENS_JWS_H_
#define NAUTHERA_TOKENSERVER_TOKENS_JWS_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/crypto/jws_key.h"
#include "nlohmann/json.hpp"

namespace nauthera {

// base64url(header) "." base64url(payload) "." base64url(signature). The header gets the
// key's "alg" (RS256, or ES256 with the 64-byte R||S signature) and "kid"; `typ` is the JWT
// type ("JWT", or "at+jwt" per RFC 9068 §2.1).
absl::StatusOr<std::string> SignJwt(const nlohmann::ordered_json& claims, absl::string_view typ,
                                    const JwsKey& key, absl::string_view kid);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_TOKENS_JWS_H_
