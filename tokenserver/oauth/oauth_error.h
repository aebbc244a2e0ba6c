// The catalogue of OAuth 2.0 / OpenID Connect errors and the one place each wire form is
// written:
//   ToHttpResponse      JSON body (RFC 6749 §5.2), Cache-Control: no-store
//   ToBearerResponse    WWW-Authenticate: Bearer challenge (RFC 6750 §3), for userinfo
//   ToRedirectResponse  back to the client's redirect_uri with error and state
//                       (RFC 6749 §4.1.2.1, RFC 9207 iss), for authorize
// Every error has a public `description` (sent) and an internal `detail` (logged by the
// writer through common/util/log.h, never sent).
#ifndef NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_
#define NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/http/http_types.h"

namespace nauthera {

// One value per error code; the name, status and defining section are in kCatalogue
// (oauth_error.cc).
enum class OAuthErrorCode {
  kInvalidRequest,            // 400  RFC 6749 §5.2 / §4.1.2.1, RFC 6750 §3.1
  kInvalidClient,             // 401  RFC 6749 §5.2: client authentication failed
  kInvalidGrant,              // 400  RFC 6749 §5.2: code / refresh token invalid or revoked
  kUnauthorizedClient,        // 400  RFC 6749 §5.2: the client may not use this grant type
  kUnsupportedGrantType,      // 400  RFC 6749 §5.2
  kInvalidScope,              // 400  RFC 6749 §5.2 / §4.1.2.1
  kAccessDenied,              // 400  RFC 6749 §4.1.2.1
  kUnsupportedResponseType,   // 400  RFC 6749 §4.1.2.1
  kServerError,               // 500  RFC 6749 §4.1.2.1
  kTemporarilyUnavailable,    // 503  RFC 6749 §4.1.2.1: no state yet, store unreachable
  kUnsupportedTokenType,      // 400  RFC 7009 §2.2.1
  kInvalidToken,              // 401  RFC 6750 §3.1
  kInsufficientScope,         // 403  RFC 6750 §3.1
  kLoginRequired,             // 400  OIDC Core §3.1.2.6
  kRequestNotSupported,       // 400  OIDC Core §3.1.2.6
  kRequestUriNotSupported,    // 400  OIDC Core §3.1.2.6
  kConsentRequired,           // 400  OIDC Core §3.1.2.6: prompt=none, consent needed
};

struct OAuthError {
  OAuthErrorCode code = OAuthErrorCode::kServerError;
  // Sent to the client: says what to fix, never why a secret or an identity failed.
  std::string description;
  // RFC 6749 §5.2: when the client used HTTP Basic, a 401 carries WWW-Authenticate: Basic.
  bool basic_auth_used = false;
  // Logged by the writer, never sent: what an operator needs to diagnose.
  std::string detail;
  // 0: the catalogue's status for `code`; else this one (405, 404).
  int status_override = 0;

  // The wire name, e.g. "invalid_client".
  absl::string_view name() const;
  int http_status() const;
};

OAuthError MakeOAuthError(OAuthErrorCode code, std::string description,
                          std::string detail = "");

// The wire name of a code.
absl::string_view OAuthErrorName(OAuthErrorCode code);
// The code whose wire name is `name`; nullopt for a name not in the catalogue.
std::optional<OAuthErrorCode> OAuthErrorCodeFromName(absl::string_view name);

// 503 temporarily_unavailable for a one-time store that cannot be reached (kUnavailable), else
// 500 server_error; the status message goes to `detail`. REQUIRES: !status.ok().
OAuthError StoreError(const absl::Status& status);

// JSON {"error","error_description"} with Cache-Control: no-store (RFC 6749 §5.1/§5.2).
HttpResponse ToHttpResponse(const OAuthError& error);

// RFC 6750 §3: WWW-Authenticate: Bearer realm="nauthera", error="...", error_description="..."
// plus the same JSON body. Every quoted value is a valid quoted-string (RFC 9110 §5.6.4) made
// of the characters RFC 6750 §3 allows: no CR, LF, quote or backslash can reach the header.
HttpResponse ToBearerResponse(const OAuthError& error);

// RFC 6750 §3.1: a request without credentials gets the challenge and no error code.
HttpResponse BearerChallenge();

// Where an authorization error goes back to (RFC 6749 §4.1.2.1). REQUIRES: redirect_uri was
// checked against the client's registered redirect URIs.
struct RedirectTarget {
  std::string redirect_uri;
  std::string state;   // echoed when the request had one
  std::string issuer;  // RFC 9207 iss
};

// 302 to redirect_uri?error=...&error_description=...&state=...&iss=...
HttpResponse ToRedirectResponse(const OAuthError& error, const RedirectTarget& target);

// Headers every token-endpoint answer carries, success or error.
void SetNoStoreHeaders(HttpResponse* response);

// `value` as an RFC 9110 §5.6.4 quoted-string limited to RFC 6750 §3's error_description
// characters (%x20-21 / %x23-5B / %x5D-7E): anything else (CR, LF, other controls, non-ASCII,
// quote, backslash) becomes a space or an apostrophe. Includes the surrounding quotes.
std::string QuotedAuthParam(absl::string_view value);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_
