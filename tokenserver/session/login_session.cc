#include "tokenserver/session/login_session.h"

#include "absl/strings/match.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/encoding/base64.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/web/cookies.h"

namespace nauthera {

bool IssuerIsHttps(const Snapshot& snapshot) {
  return absl::StartsWith(snapshot.issuer(), "https://");
}

std::string StartSessionCookie(const Snapshot& snapshot, const v1::User& user, int64_t now) {
  bool secure = IssuerIsHttps(snapshot);
  std::string sealed = Seal(snapshot.session_key(), "session",
                            {{"sub", user.subject()}, {"at", now}}, now + kSessionLifetimeSeconds);
  return SetCookieValue(CookieNamesFor(secure).session, sealed, kSessionLifetimeSeconds, secure,
                        "Lax");
}

std::string EndSessionCookie(const Snapshot& snapshot) {
  bool secure = IssuerIsHttps(snapshot);
  return SetCookieValue(CookieNamesFor(secure).session, "", 0, secure, "Lax");
}

std::optional<LoginSession> ReadSession(const HttpRequest& request, const Snapshot& snapshot,
                                        int64_t now) {
  std::string cookie = GetCookie(request, CookieNamesFor(IssuerIsHttps(snapshot)).session);
  if (cookie.empty() || snapshot.session_key().empty()) return std::nullopt;
  auto payload = Unseal(snapshot.session_key(), "session", cookie, now);
  if (!payload.ok()) return std::nullopt;
  const v1::User* user = snapshot.FindUserBySubject(payload->value("sub", ""));
  if (user == nullptr || user->disabled()) return std::nullopt;
  return LoginSession{user, payload->value("at", int64_t{0})};
}

CsrfCookie EnsureCsrfCookie(const HttpRequest& request, const Snapshot& snapshot) {
  bool secure = IssuerIsHttps(snapshot);
  CsrfCookie csrf{GetCookie(request, CookieNamesFor(secure).csrf), ""};
  if (csrf.value.size() >= 16 && csrf.value.size() <= 64) return csrf;
  csrf.value = RandomToken(24);
  // Strict: the cookie never rides along on a cross-site request, so a forged form post
  // arrives without it.
  csrf.set_cookie = SetCookieValue(CookieNamesFor(secure).csrf, csrf.value,
                                   kSessionLifetimeSeconds, secure, "Strict");
  return csrf;
}

std::string CsrfToken(const Snapshot& snapshot, absl::string_view cookie_value) {
  return Base64UrlEncode(HmacSha256(snapshot.session_key(), std::string("csrf.") +
                                                                std::string(cookie_value)));
}

bool CsrfTokenValid(const Snapshot& snapshot, absl::string_view cookie_value,
                    absl::string_view token) {
  if (cookie_value.size() < 16 || token.empty()) return false;
  return ConstantTimeEquals(CsrfToken(snapshot, cookie_value), token);
}

}  // namespace nauthera
