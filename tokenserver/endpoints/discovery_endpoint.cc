#include "tokenserver/endpoints/discovery_endpoint.h"


#include "absl/strings/str_cat.h"
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
  nlohmann::ordered_json doc;
  doc["issuer"] = snapshot.issuer();  // byte for byte: relying parties compare it exactly
  doc["token_endpoint"] = Endpoint(snapshot, "/oauth2/token");
  doc["jwks_uri"] = Endpoint(snapshot, "/oauth2/jwks");
  doc["scopes_supported"] = {"openid", "profile", "email", "groups"};
  doc["response_types_supported"] = nlohmann::json::array();  // no authorization endpoint yet
  doc["grant_types_supported"] = {"client_credentials"};
  doc["token_endpoint_auth_methods_supported"] = {"client_secret_basic", "client_secret_post"};
  doc["subject_types_supported"] = {"public"};
  doc["id_token_signing_alg_values_supported"] = {"RS256"};
  doc["claims_supported"] = {"iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope",
                             "email", "email_verified", "groups"};
  return doc.dump(2);
}

HttpResponse HandleDiscovery(const HttpRequest& request, const Snapshot& snapshot) {
  (void)request;
  HttpResponse response = HttpResponse::Json(200, snapshot.discovery_json());
  response.SetHeader("Cache-Control",
                     absl::StrCat("public, max-age=", snapshot.jwks_max_age_seconds()));
  response.SetHeader("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace nauthera
