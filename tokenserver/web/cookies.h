// Cookies of the login flow (RFC 6265bis). On https the "__Host-" prefix pins them to this
// origin (Secure, Path=/, no Domain).
#ifndef NAUTHERA_TOKENSERVER_WEB_COOKIES_H_
#define NAUTHERA_TOKENSERVER_WEB_COOKIES_H_

#include <cstdint>
#include <string>

#include "common/http/http_types.h"

namespace nauthera {

// The value of cookie `name` in the request's Cookie headers, or "".
std::string GetCookie(const HttpRequest& request, absl::string_view name);

struct CookieNames {
  std::string session;
  std::string csrf;
  std::string consent;  // session/consent_record.h
};
CookieNames CookieNamesFor(bool secure);

// A Set-Cookie value: HttpOnly, Path=/, SameSite as given, Secure when `secure`.
// max_age 0 deletes the cookie.
std::string SetCookieValue(absl::string_view name, absl::string_view value, int64_t max_age,
                           bool secure, absl::string_view same_site);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_WEB_COOKIES_H_
