// The consents a browser remembers (OIDC Core §3.1.2.4: the server may remember the user's
// answer): one sealed cookie (session/sealed_value.h, purpose "consent") listing, per user
// and client, the scopes allowed and when. It is bound to the user's subject, so a second
// person signing in on the same browser is asked again; forging or widening it needs the
// session key. Clearing the browser's cookies forgets every consent.
#ifndef NAUTHERA_TOKENSERVER_SESSION_CONSENT_RECORD_H_
#define NAUTHERA_TOKENSERVER_SESSION_CONSENT_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

inline constexpr int64_t kConsentLifetimeSeconds = 90 * 86400;
// A cookie stays well under the 4096 bytes browsers keep (RFC 6265 §6.1).
inline constexpr size_t kMaxRememberedConsents = 8;
inline constexpr size_t kMaxConsentCookieBytes = 3000;

// The scopes `subject` has allowed `client_id` in this browser within kConsentLifetimeSeconds;
// empty when none (or the cookie is absent, forged or expired).
std::vector<std::string> RememberedScopes(const HttpRequest& request, const Snapshot& snapshot,
                                          absl::string_view subject,
                                          absl::string_view client_id, int64_t now);

// The Set-Cookie value that adds `scopes` to what `subject` allowed `client_id` (kept with
// the other grants, most recent first; the oldest dropped beyond the count or size limits).
// "" when this one grant alone would not fit: the user is then asked each time.
std::string RememberConsentCookie(const HttpRequest& request, const Snapshot& snapshot,
                                  absl::string_view subject, absl::string_view client_id,
                                  const std::vector<std::string>& scopes, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_SESSION_CONSENT_RECORD_H_
