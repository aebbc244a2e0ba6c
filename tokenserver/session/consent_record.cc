#include "tokenserver/session/consent_record.h"

#include <set>

#include "tokenserver/session/login_session.h"
#include "tokenserver/session/sealed_value.h"
#include "tokenserver/web/cookies.h"

namespace nauthera {
namespace {

constexpr char kPurpose[] = "consent";

// The cookie's grants that are still fresh: [{"u": subject, "c": client_id, "s": [scopes],
// "t": when allowed}], most recent first. Anything malformed counts as nothing.
nlohmann::json FreshGrants(const HttpRequest& request, const Snapshot& snapshot, int64_t now) {
  nlohmann::json fresh = nlohmann::json::array();
  std::string cookie = GetCookie(request, CookieNamesFor(IssuerIsHttps(snapshot)).consent);
  if (cookie.empty()) return fresh;
  auto payload = Unseal(snapshot.session_key(), kPurpose, cookie, now);
  if (!payload.ok() || !(*payload)["g"].is_array()) return fresh;
  for (const nlohmann::json& grant : (*payload)["g"]) {
    if (!grant.is_object() || !grant.value("u", nlohmann::json()).is_string() ||
        !grant.value("c", nlohmann::json()).is_string() ||
        !grant.value("s", nlohmann::json()).is_array() ||
        !grant.value("t", nlohmann::json()).is_number_integer()) {
      continue;
    }
    if (now - grant["t"].get<int64_t>() >= kConsentLifetimeSeconds) continue;
    fresh.push_back(grant);
  }
  return fresh;
}

bool Matches(const nlohmann::json& grant, absl::string_view subject, absl::string_view client) {
  return grant["u"].get<std::string>() == subject && grant["c"].get<std::string>() == client;
}

}  // namespace

std::vector<std::string> RememberedScopes(const HttpRequest& request, const Snapshot& snapshot,
                                          absl::string_view subject,
                                          absl::string_view client_id, int64_t now) {
  std::vector<std::string> scopes;
  for (const nlohmann::json& grant : FreshGrants(request, snapshot, now)) {
    if (!Matches(grant, subject, client_id)) continue;
    for (const nlohmann::json& scope : grant["s"]) {
      if (scope.is_string()) scopes.push_back(scope.get<std::string>());
    }
    break;
  }
  return scopes;
}

std::string RememberConsentCookie(const HttpRequest& request, const Snapshot& snapshot,
                                  absl::string_view subject, absl::string_view client_id,
                                  const std::vector<std::string>& scopes, int64_t now) {
  // 1. This grant: what was allowed before (still valid) plus what was allowed now.
  std::set<std::string> allowed(scopes.begin(), scopes.end());
  for (const std::string& scope : RememberedScopes(request, snapshot, subject, client_id, now)) {
    allowed.insert(scope);
  }
  nlohmann::json grants = nlohmann::json::array();
  grants.push_back({{"u", std::string(subject)},
                    {"c", std::string(client_id)},
                    {"s", allowed},
                    {"t", now}});
  // 2. The others, most recent first, up to the count limit.
  for (const nlohmann::json& grant : FreshGrants(request, snapshot, now)) {
    if (grants.size() >= kMaxRememberedConsents) break;
    if (!Matches(grant, subject, client_id)) grants.push_back(grant);
  }
  // 3. Within the size limit, dropping the oldest.
  bool secure = IssuerIsHttps(snapshot);
  while (!grants.empty()) {
    std::string sealed = Seal(snapshot.session_key(), kPurpose, {{"g", grants}},
                              now + kConsentLifetimeSeconds);
    if (sealed.size() <= kMaxConsentCookieBytes) {
      // Lax: the cookie must come along when the client's site sends the browser to
      // /oauth2/authorize (a top-level cross-site GET).
      return SetCookieValue(CookieNamesFor(secure).consent, sealed, kConsentLifetimeSeconds,
                            secure, "Lax");
    }
    grants.erase(grants.size() - 1);
  }
  return "";
}

}  // namespace nauthera
