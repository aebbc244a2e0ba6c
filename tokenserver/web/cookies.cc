#include "tokenserver/web/cookies.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {

std::string GetCookie(const HttpRequest& request, absl::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    for (absl::string_view pair : absl::StrSplit(value, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      size_t eq = pair.find('=');
      if (eq != absl::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

CookieNames CookieNamesFor(bool secure) {
  if (secure) {
    return {"__Host-nauthera-session", "__Host-nauthera-csrf", "__Host-nauthera-consent"};
  }
  return {"nauthera-session", "nauthera-csrf", "nauthera-consent"};
}

std::string SetCookieValue(absl::string_view name, absl::string_view value, int64_t max_age,
                           bool secure, absl::string_view same_site) {
  return absl::StrCat(name, "=", value, "; Path=/; Max-Age=", max_age, "; HttpOnly; SameSite=",
                      same_site, secure ? "; Secure" : "");
}

}  // namespace nauthera
