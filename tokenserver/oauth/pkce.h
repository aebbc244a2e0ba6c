// Proof Key for Code Exchange (RFC 7636), S256 only: "plain" offers no protection once the
// authorization request leaks, and RFC 9700 §2.1.1 says not to use it.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_PKCE_H_
#define NAUTHERA_TOKENSERVER_OAUTH_PKCE_H_

#include "absl/strings/string_view.h"

namespace nauthera {

// RFC 7636 §4.2: a challenge is base64url(SHA-256(verifier)) without padding: 43 characters.
bool IsValidCodeChallenge(absl::string_view challenge);

// RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
bool IsValidCodeVerifier(absl::string_view verifier);

// RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, in constant time.
bool VerifyS256(absl::string_view verifier, absl::string_view challenge);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_PKCE_H_
