#include "tokenserver/endpoints/discovery_endpoint.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/grants/grant_table.h"
#include "nlohmann/json.hpp"
#include "tokenserver/state/snapshot.h"

namespace nauthera {
namespace {

// Paths are appended to the issuer, which may itself have a path (OpenID Discovery §4).
std::string Endpoint(const Snapshot& snapshot, absl::string_view path) {
  std::string issuer = snapshot.issuer();
  if (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
  return absl::StrCat(issuer, path);
}

}  // namespace

std::string RenderDiscovery(const Snapshot& snapshot) {
  // Interactive sign-in is served only when the controller sent a session key.
  bool interactive = !snapshot.session_key().empty();
  nlohmann::ordered_json doc;
  doc["issuer"] = snapshot.issuer();  // byte for byte: relying parties compare it exactly
  if (interactive) doc["authorization_endpoint"] = Endpoint(snapshot, "/oauth2/authorize");
  doc["token_endpoint"] = Endpoint(snapshot, "/oauth2/token");
  doc["jwks_uri"] = Endpoint(snapshot, "/oauth2/jwks");
  // RFC 8414 §2: RFC 7009 revocation and RFC 7662 introspection. Introspection takes only
  // confidential clients; revocation also takes public clients identified by client_id.
  doc["revocation_endpoint"] = Endpoint(snapshot, "/oauth2/revoke");
  doc["introspection_endpoint"] = Endpoint(snapshot, "/oauth2/introspect");
  if (interactive) {
    doc["userinfo_endpoint"] = Endpoint(snapshot, "/oauth2/userinfo");
    doc["end_session_endpoint"] = Endpoint(snapshot, "/oauth2/logout");
  }
  doc["scopes_supported"] = {"openid", "profile", "email", "groups", "offline_access"};
  if (interactive) {
    doc["response_types_supported"] = {"code"};
    doc["response_modes_supported"] = {"query"};
    doc["code_challenge_methods_supported"] = {"S256"};
    doc["prompt_values_supported"] = {"none", "login", "consent"};
    doc["authorization_response_iss_parameter_supported"] = true;
    doc["token_endpoint_auth_methods_supported"] = {"client_secret_basic", "client_secret_post",
                                                    "none"};
    doc["revocation_endpoint_auth_methods_supported"] = {"client_secret_basic",
                                                         "client_secret_post", "none"};
  } else {
    doc["response_types_supported"] = nlohmann::json::array();
    doc["token_endpoint_auth_methods_supported"] = {"client_secret_basic", "client_secret_post"};
    doc["revocation_endpoint_auth_methods_supported"] = {"client_secret_basic",
                                                         "client_secret_post"};
  }
  doc["introspection_endpoint_auth_methods_supported"] = {"client_secret_basic",
                                                          "client_secret_post"};
  // RFC 8414 §2: the grants of the token endpoint's own table (grants/grant_table.h).
  doc["grant_types_supported"] = GrantTypesSupported(interactive);
  if (interactive) {
    // OIDC Discovery §3: request_uri_parameter_supported defaults to true, so both are stated;
    // /oauth2/authorize answers request_not_supported / request_uri_not_supported.
    doc["request_parameter_supported"] = false;
    doc["request_uri_parameter_supported"] = false;
  }
  doc["subject_types_supported"] = {"public"};
  // What the published keys really are: RS256, ES256, or both during a change of algorithm.
  doc["id_token_signing_alg_values_supported"] = snapshot.published_algorithms();
  doc["userinfo_signing_alg_values_supported"] = {"none"};
  doc["claims_supported"] = {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                             "azp", "jti", "client_id", "scope", "email", "email_verified",
                             "name", "preferred_username", "groups", "given_name",
                             "family_name", "middle_name", "nickname", "profile", "picture",
                             "website", "zoneinfo", "locale"};
  return doc.dump(2);
}

HttpResponse HandleDiscovery(const HttpRequest& request, const Snapshot& snapshot) {
  (void)request;
  HttpResponse response = HttpResponse::Json(
      200, snapshot.Rendered(Snapshot::Document::kDiscovery, RenderDiscovery));
  response.SetHeader("Cache-Control",
                     absl::StrCat("public, max-age=", snapshot.jwks_max_age_seconds()));
  response.SetHeader("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace nauthera
