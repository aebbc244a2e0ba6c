// Base64 (RFC 4648 §4) and base64url without padding (RFC 4648 §5, as JOSE uses it).
#ifndef NAUTHERA_COMMON_ENCODING_BASE64_H_
#define NAUTHERA_COMMON_ENCODING_BASE64_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

std::string Base64Encode(absl::string_view data);
// Strict: rejects characters outside the alphabet and bad padding.
absl::StatusOr<std::string> Base64Decode(absl::string_view text);

std::string Base64UrlEncode(absl::string_view data);
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_ENCODING_BASE64_H_
