// The signed-in browser: a sealed session cookie (who, when they authenticated) so a second
// authorization within the session skips the password; and the CSRF token of the login form
// (a random cookie plus its HMAC in the form: a cross-site page can read neither).
#ifndef NAUTHERA_TOKENSERVER_SESSION_LOGIN_SESSION_H_
#define NAUTHERA_TOKENSERVER_SESSION_LOGIN_SESSION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

inline constexpr int64_t kSessionLifetimeSeconds = 8 * 3600;
inline constexpr int64_t kLoginFormLifetimeSeconds = 15 * 60;

struct LoginSession {
  const v1::User* user = nullptr;
  int64_t auth_time = 0;
};

// Whether cookies get Secure and the __Host- prefix: when the issuer is https.
bool IssuerIsHttps(const Snapshot& snapshot);

// The Set-Cookie value that starts a session for `user`.
std::string StartSessionCookie(const Snapshot& snapshot, const v1::User& user, int64_t now);
// The Set-Cookie value that ends it.
std::string EndSessionCookie(const Snapshot& snapshot);
// The request's session, if its cookie is genuine, unexpired, and its user still enabled.
std::optional<LoginSession> ReadSession(const HttpRequest& request, const Snapshot& snapshot,
                                        int64_t now);

// The browser's CSRF cookie for a page with a form (login, consent, logout): its value, and
// the Set-Cookie to send when the browser had none (a fresh random value), else "".
struct CsrfCookie {
  std::string value;
  std::string set_cookie;
};
CsrfCookie EnsureCsrfCookie(const HttpRequest& request, const Snapshot& snapshot);

// The login form's CSRF token for the browser's CSRF cookie value.
std::string CsrfToken(const Snapshot& snapshot, absl::string_view cookie_value);
bool CsrfTokenValid(const Snapshot& snapshot, absl::string_view cookie_value,
                    absl::string_view token);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_LOGIN_SESSION_H_
