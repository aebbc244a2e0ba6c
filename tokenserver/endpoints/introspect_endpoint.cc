#include "tokenserver/endpoints/introspect_endpoint.h"

#include <optional>

#include "absl/strings/str_join.h"
#include "common/crypto/hashing.h"
#include "common/metrics/metrics.h"
#include "nlohmann/json.hpp"
#include "tokenserver/endpoints/token_management_request.h"
#include "tokenserver/grants/grant_context.h"
#include "tokenserver/tokens/access_token_revocation.h"
#include "tokenserver/tokens/jwt_verifier.h"

namespace nauthera {
namespace {

using Introspection = std::optional<nlohmann::ordered_json>;  // nullopt: inactive

HttpResponse IntrospectionResponse(const Introspection& result) {
  nlohmann::ordered_json body;
  if (result.has_value()) {
    body = *result;
  } else {
    body["active"] = false;  // RFC 7662 §2.2: nothing else about an inactive token
  }
  HttpResponse response = HttpResponse::Json(
      200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // RFC 7662 §2.2 / §4: the answer describes a credential; nobody may cache it.
  SetNoStoreHeaders(&response);
  return response;
}

// True when the person (or service account) a token is about may still use it.
bool SubjectActive(const Snapshot& snapshot, const v1::Client& client,
                   const std::string& subject) {
  if (const v1::User* user = snapshot.FindUserBySubject(subject)) return !user->disabled();
  return client.kind() == v1::Client::SERVICE_ACCOUNT && subject == client.client_id();
}

void CopyIfPresent(const nlohmann::json& claims, const char* from, const char* to,
                   nlohmann::ordered_json* out) {
  auto it = claims.find(from);
  if (it != claims.end() && !it->is_null()) (*out)[to] = *it;
}

// RFC 7662 §4: the server decides which callers may learn about which tokens; one that may
// not gets {"active": false} (§2.2), never a hint that the token exists. Here a caller learns
// about the access tokens issued to it and those naming it in "aud": the resource servers a
// policy lists for the client (spec.audiences / spec.audienceClients). Any other client, a
// service account included, learns nothing about anyone's tokens.
bool MayIntrospect(const nlohmann::json& claims, const std::string& caller) {
  if (claims["client_id"] == caller) return true;
  const nlohmann::json& aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
  if (aud.is_string()) return aud == caller;
  if (!aud.is_array()) return false;
  for (const nlohmann::json& audience : aud) {
    if (audience == caller) return true;
  }
  return false;
}

OAuthOr<Introspection> IntrospectAccessToken(const Snapshot& snapshot, const std::string& token,
                                             const AuthenticatedClient& caller, int64_t now,
                                             OneTimeStore* store) {
  // Signature against every published key, alg RS256 or ES256 only, typ at+jwt, iss, exp.
  auto claims = VerifyJwt(snapshot, token, {"at+jwt", false}, now);
  if (!claims.ok()) return Introspection();
  // nbf is optional in our tokens; when present it must have passed (RFC 7519 §4.1.5).
  if (auto nbf = claims->find("nbf"); nbf != claims->end()) {
    if (!nbf->is_number_integer() || nbf->get<int64_t>() > now) return Introspection();
  }
  if (!(*claims)["client_id"].is_string() || !(*claims)["sub"].is_string()) {
    return Introspection();
  }
  if (!MayIntrospect(*claims, caller.client->client_id())) return Introspection();
  const v1::Client* client = snapshot.FindClient((*claims)["client_id"].get<std::string>());
  if (client == nullptr) return Introspection();  // the client was deleted
  if (!SubjectActive(snapshot, *client, (*claims)["sub"].get<std::string>())) {
    return Introspection();
  }
  // RFC 6749 §4.1.2: issued from a code since replayed (or a refresh family since reused).
  auto revoked = AccessTokenRevoked(*claims, store, now);
  if (!revoked.ok()) return StoreError(revoked.status());
  if (*revoked) return Introspection();
  nlohmann::ordered_json out;
  out["active"] = true;
  CopyIfPresent(*claims, "scope", "scope", &out);
  CopyIfPresent(*claims, "client_id", "client_id", &out);
  CopyIfPresent(*claims, "preferred_username", "username", &out);
  out["token_type"] = "Bearer";  // RFC 7662 §2.2: the RFC 6749 §7.1 type
  CopyIfPresent(*claims, "exp", "exp", &out);
  CopyIfPresent(*claims, "iat", "iat", &out);
  CopyIfPresent(*claims, "nbf", "nbf", &out);
  CopyIfPresent(*claims, "sub", "sub", &out);
  CopyIfPresent(*claims, "aud", "aud", &out);
  CopyIfPresent(*claims, "iss", "iss", &out);
  CopyIfPresent(*claims, "jti", "jti", &out);
  CopyIfPresent(*claims, "email", "email", &out);
  CopyIfPresent(*claims, "email_verified", "email_verified", &out);
  CopyIfPresent(*claims, "groups", "groups", &out);
  return Introspection(std::move(out));
}

OAuthOr<Introspection> IntrospectRefreshToken(const Snapshot& snapshot, const std::string& token,
                                              const AuthenticatedClient& caller, int64_t now,
                                              OneTimeStore* store) {
  auto found = store->LookupRefreshToken(Sha256(token), now, kRefreshReuseGraceSeconds);
  if (!found.ok()) return StoreError(found.status());
  const RefreshFamily& family = found->family;
  // Only the live token is usable; a spent one (even inside the replay window) is not.
  if (found->use != RefreshTokenUse::kCurrent || family.expires_at <= now) {
    return Introspection();
  }
  // A refresh token is a secret between its client and us: other clients learn nothing.
  if (family.client_id != caller.client->client_id()) return Introspection();
  const v1::Client* client = snapshot.FindClient(family.client_id);
  if (client == nullptr || !SubjectActive(snapshot, *client, family.subject)) {
    return Introspection();
  }
  nlohmann::ordered_json out;
  out["active"] = true;
  out["scope"] = absl::StrJoin(family.scopes, " ");
  out["client_id"] = family.client_id;
  if (const v1::User* user = snapshot.FindUserBySubject(family.subject)) {
    out["username"] = user->username();
  }
  out["exp"] = family.expires_at;  // the family's end; each token is rotated on use
  out["sub"] = family.subject;
  out["iss"] = snapshot.issuer();
  return Introspection(std::move(out));
}

OAuthOr<HttpResponse> Handle(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                             OneTimeStore* store) {
  auto parsed = ParseTokenManagementRequest(request, snapshot, "introspection");
  if (!parsed.ok()) return parsed.error();
  const TokenManagementRequest& req = parsed.value();
  // RFC 7662 §2.1 / §4: the caller must be authorized; a client_id alone proves nothing.
  if (req.client.method == "none") {
    return MakeOAuthError(OAuthErrorCode::kInvalidClient,
                          "token introspection requires a confidential client "
                          "(client_secret_basic or client_secret_post); public clients "
                          "(authMethod: none) may not introspect");
  }
  Introspection result;
  if (req.token.size() > kMaxPresentedTokenBytes) {
    result = std::nullopt;  // cannot be one of ours
  } else if (LooksLikeJwt(req.token)) {
    auto access = IntrospectAccessToken(snapshot, req.token, req.client, now, store);
    if (!access.ok()) return access.error();
    result = access.value();
  } else {
    auto refresh = IntrospectRefreshToken(snapshot, req.token, req.client, now, store);
    if (!refresh.ok()) return refresh.error();
    result = refresh.value();
  }
  Metrics::Global().Increment("nauthera_token_introspections_total",
                              {result.has_value() ? "active" : "inactive"});
  return IntrospectionResponse(result);
}

}  // namespace

HttpResponse HandleIntrospect(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                              OneTimeStore* store) {
  auto result = Handle(request, snapshot, now, store);
  if (result.ok()) return result.value();
  Metrics::Global().Increment("nauthera_token_errors_total", {std::string(result.error().name())});
  return TokenManagementErrorResponse(request, result.error());
}

}  // namespace nauthera
