// Values the server hands to the browser and must get back unaltered: the session cookie and
// the authorization request carried through the login form. HMAC-SHA-256 under the state's
// session key, with a purpose label so a value minted for one use is refused for another, and
// an expiry inside the signed payload.
#ifndef NAUTHERA_TOKENSERVER_SESSION_SEALED_VALUE_H_
#define NAUTHERA_TOKENSERVER_SESSION_SEALED_VALUE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace nauthera {

// "base64url(payload).base64url(HMAC(key, purpose '.' base64url(payload)))"; `exp` is added.
std::string Seal(absl::string_view key, absl::string_view purpose, nlohmann::json payload,
                 int64_t expires_at);

// The payload, if the MAC matches for this purpose and `now` < exp. Errors say which check
// failed, for logs only.
absl::StatusOr<nlohmann::json> Unseal(absl::string_view key, absl::string_view purpose,
                                      absl::string_view sealed, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_SEALED_VALUE_H_
