#include <catch2/catch.hpp>

#include "controller/reconcilers/oidc_client_validation.h"

namespace nauthera::controller {
namespace {

OidcClientSpec Public() {
  OidcClientSpec spec;
  spec.redirect_uris = {"http://localhost:8000"};
  spec.grant_types = {"authorization_code", "refresh_token"};
  spec.pkce_required = true;
  spec.auth_method = "none";
  return spec;
}

TEST_CASE("an OidcClient spec is InvalidSpec for each unsafe or impossible setting", "[client]") {
  auto [name, mutate, want] = GENERATE(table<std::string, std::function<void(OidcClientSpec&)>,
                                             std::string>({
      {"the guide's kubectl client is valid", [](OidcClientSpec&) {}, ""},
      {"public client without PKCE", [](OidcClientSpec& s) { s.pkce_required = false; },
       "spec.pkce.required: must be true when authMethod is none"},
      {"public client with client_credentials",
       [](OidcClientSpec& s) { s.grant_types.push_back("client_credentials"); },
       "spec.grantTypes: client_credentials needs a confidential client"},
      {"unknown grant type", [](OidcClientSpec& s) { s.grant_types = {"password"}; },
       "spec.grantTypes[0]: \"password\" is not supported"},
      {"no grant type", [](OidcClientSpec& s) { s.grant_types.clear(); },
       "spec.grantTypes: must list at least one"},
      {"authorization_code without redirect URI",
       [](OidcClientSpec& s) { s.redirect_uris.clear(); },
       "spec.redirectUris: must list at least one URI"},
      {"relative redirect URI", [](OidcClientSpec& s) { s.redirect_uris = {"/callback"}; },
       "spec.redirectUris[0]: \"/callback\" is not an absolute URI"},
      {"redirect URI with fragment",
       [](OidcClientSpec& s) { s.redirect_uris = {"https://a.example/cb#x"}; },
       "has a fragment"},
      {"plain http to a public host",
       [](OidcClientSpec& s) { s.redirect_uris = {"http://app.example.com/cb"}; },
       "plain http to a host that is not loopback"},
      {"http to 127.0.0.1 is fine",
       [](OidcClientSpec& s) { s.redirect_uris = {"http://127.0.0.1:9999/cb"}; }, ""},
      {"https anywhere is fine",
       [](OidcClientSpec& s) { s.redirect_uris = {"https://app.example.com/cb"}; }, ""},
      {"wildcard", [](OidcClientSpec& s) { s.redirect_uris = {"https://*.example.com/cb"}; },
       "wildcard"},
      {"bad post-logout URI",
       [](OidcClientSpec& s) { s.post_logout_redirect_uris = {"http://evil.example/"}; },
       "spec.postLogoutRedirectUris[0]"},
      {"confidential client_credentials-only client needs no redirect URI",
       [](OidcClientSpec& s) {
         s.auth_method = "client_secret_basic";
         s.pkce_required = false;
         s.grant_types = {"client_credentials"};
         s.redirect_uris.clear();
       },
       ""},
  }));
  CAPTURE(name);
  OidcClientSpec spec = Public();
  mutate(spec);
  absl::Status status = ValidateOidcClientSpec(spec);
  if (want.empty()) {
    CHECK(status.ok());
  } else {
    CAPTURE(status.message());
    CHECK(std::string(status.message()).find(want) != std::string::npos);
  }
}

}  // namespace
}  // namespace nauthera::controller
