#include "tokenserver/http/routes.h"

#include "tokenserver/oauth/form_post.h"

namespace nauthera {
namespace {

struct Route {
  absl::string_view path;
  bool get;   // GET (and so HEAD)
  bool post;  // POST with an application/x-www-form-urlencoded body
};

// Every path the router serves.
constexpr Route kRoutes[] = {
    {"/oauth2/token", false, true},          // RFC 6749 §3.2
    {"/oauth2/revoke", false, true},         // RFC 7009 §2.1
    {"/oauth2/introspect", false, true},     // RFC 7662 §2.1
    {"/oauth2/authorize", true, true},       // RFC 6749 §3.1, OIDC Core §3.1.2.1
    {"/oauth2/login", true, true},           // the login page and its form
    {"/oauth2/consent", false, true},        // the consent page's form (OIDC Core §3.1.2.4)
    {"/oauth2/userinfo", true, true},        // OIDC Core §5.3.1, RFC 6750 §2.2
    {"/oauth2/logout", true, true},          // OIDC RP-Initiated Logout §2
    {"/oauth2/jwks", true, false},           // RFC 7517
    {"/.well-known/openid-configuration", true, false},
    {"/.well-known/oauth-authorization-server", true, false},
    {"/healthz", true, false},
    {"/readyz", true, false},
};

const Route* Find(absl::string_view path) {
  for (const Route& route : kRoutes) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

}  // namespace

std::string AllowedMethods(absl::string_view path) {
  const Route* route = Find(path);
  if (route == nullptr) return "GET, HEAD";
  if (route->get && route->post) return "GET, HEAD, POST";
  return route->post ? "POST" : "GET, HEAD";
}

size_t BodyLimit(absl::string_view method, absl::string_view path) {
  const Route* route = Find(path);
  if (route == nullptr || !route->post || method != "POST") return 0;
  return kMaxFormPostBytes;
}

}  // namespace nauthera
