#include "tokenserver/endpoints/jwks_endpoint.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

std::string RenderJwks(const Snapshot& snapshot) {
  nlohmann::ordered_json keys = nlohmann::json::array();
  // Every published key: the next one (not signing yet), the active one, and retired ones
  // whose tokens may still be live.
  for (const PublishedKey& published : snapshot.published_keys()) {
    nlohmann::ordered_json jwk;
    // RFC 7518 §6.3.1 (RSA: n, e) and §6.2.1 (EC: crv, x, y).
    auto members = published.key->PublicJwkMembers();
    for (const auto& [name, value] : members) {
      if (name == "kty") jwk["kty"] = value;
    }
    jwk["use"] = "sig";
    jwk["alg"] = std::string(published.key->Algorithm());
    jwk["kid"] = published.kid;
    for (const auto& [name, value] : members) {
      if (name != "kty") jwk[name] = value;
    }
    keys.push_back(std::move(jwk));
  }
  nlohmann::ordered_json doc;
  doc["keys"] = std::move(keys);
  return doc.dump();
}

HttpResponse HandleJwks(const HttpRequest& request, const Snapshot& snapshot) {
  (void)request;
  HttpResponse response = HttpResponse::Json(
      200, snapshot.Rendered(Snapshot::Document::kJwks, RenderJwks));
  response.SetHeader("Cache-Control",
                     absl::StrCat("public, max-age=", snapshot.jwks_max_age_seconds()));
  response.SetHeader("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace nauthera
