// The catalogue of OAuth 2.0 errors (RFC 6749 §5.2, RFC 6750 §3.1) and the one place they are
// written to the wire.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_
#define NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/http/http_types.h"

namespace nauthera {

enum class OAuthErrorCode {
  kInvalidRequest,        // 400: missing, duplicated or malformed parameter
  kInvalidClient,         // 401: client authentication failed
  kInvalidGrant,          // 400: code / refresh token invalid, expired, revoked
  kUnauthorizedClient,    // 400: the client may not use this grant type
  kUnsupportedGrantType,  // 400: the server does not support the grant type
  kInvalidScope,          // 400: unknown, malformed or not allowed scope
  kServerError,           // 500
  kTemporarilyUnavailable,  // 503: no state yet, or the shared one-time store is unreachable
};

struct OAuthError {
  OAuthErrorCode code;
  std::string description;
  // RFC 6749 §5.2: when the client used HTTP Basic, a 401 carries WWW-Authenticate: Basic.
  bool basic_auth_used = false;

  // The wire name, e.g. "invalid_client".
  absl::string_view name() const;
  int http_status() const;
};

OAuthError MakeOAuthError(OAuthErrorCode code, std::string description);

// 503 temporarily_unavailable for a one-time store that cannot be reached (kUnavailable), else
// 500 server_error. REQUIRES: !status.ok().
OAuthError StoreError(const absl::Status& status);

// JSON {"error","error_description"} with Cache-Control: no-store (RFC 6749 §5.1/§5.2).
HttpResponse ToHttpResponse(const OAuthError& error);

// Headers every token-endpoint answer carries, success or error.
void SetNoStoreHeaders(HttpResponse* response);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_OAUTH_ERROR_H_
