#include "tokenserver/http/router.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "tokenserver/endpoints/authorize_endpoint.h"
#include "tokenserver/endpoints/consent_endpoint.h"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/endpoints/health_endpoint.h"
#include "tokenserver/endpoints/introspect_endpoint.h"
#include "tokenserver/endpoints/jwks_endpoint.h"
#include "tokenserver/endpoints/login_endpoint.h"
#include "tokenserver/endpoints/logout_endpoint.h"
#include "tokenserver/endpoints/revoke_endpoint.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/endpoints/userinfo_endpoint.h"
#include "tokenserver/web/html.h"
#include "tokenserver/oauth/oauth_error.h"

namespace nauthera {
namespace {

// No such endpoint: invalid_request with 404 (as node-oidc-provider answers an unrecognized
// route), written by the catalogue like every other OAuth error.
HttpResponse NotFound() {
  OAuthError error = MakeOAuthError(OAuthErrorCode::kInvalidRequest, "no such endpoint");
  error.status_override = 404;
  return ToHttpResponse(error);
}

// RFC 9110 §15.5.6: 405 with Allow.
HttpResponse MethodNotAllowed(absl::string_view allow) {
  OAuthError error = MakeOAuthError(OAuthErrorCode::kInvalidRequest, "method not allowed");
  error.status_override = 405;
  HttpResponse response = ToHttpResponse(error);
  response.SetHeader("Allow", allow);
  return response;
}

void DefineMetrics() {
  Metrics& m = Metrics::Global();
  m.DefineCounter("nauthera_http_requests_total", "HTTP requests by endpoint and status",
                  {"endpoint", "code"});
  m.DefineHistogram("nauthera_http_request_duration_seconds", "HTTP request latency",
                    {"endpoint"}, {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5});
  m.DefineCounter("nauthera_tokens_issued_total", "Tokens issued by grant type", {"grant_type"});
  m.DefineCounter("nauthera_token_errors_total", "Token endpoint errors by OAuth error code",
                  {"error"});
  m.DefineCounter("nauthera_token_revocations_total",
                  "Revocation requests answered, by outcome (RFC 7009)", {"outcome"});
  m.DefineCounter("nauthera_token_introspections_total",
                  "Introspection requests answered, by result (RFC 7662)", {"result"});
  m.DefineCounter("nauthera_login_attempts_total", "Login form submissions by outcome",
                  {"outcome"});
}

}  // namespace

Router::Router(const StateHolder* state, OneTimeStore* store, LoginLimiter* limiter,
               std::function<int64_t()> now)
    : state_(state), store_(store), limiter_(limiter), now_(std::move(now)) {
  DefineMetrics();
}

HttpResponse Router::Route(const HttpRequest& request, absl::string_view* endpoint) const {
  const std::string& path = request.path;

  if (path == "/healthz") return *endpoint = "healthz", HandleHealthz();
  // /metrics is not on the issuer's port: it is served by --metrics-listen only
  // (Router::HandleOps), so the Internet never sees client ids or counters.
  std::shared_ptr<const Snapshot> snapshot = state_->Get();
  if (path == "/readyz") {
    *endpoint = "readyz";
    if (draining_ != nullptr && draining_->load()) {
      return HttpResponse::Text(503, "not ready: shutting down\n");
    }
    return HandleReadyz(snapshot.get(), snapshot ? store_->Ready() : absl::OkStatus());
  }
  if (!snapshot) {
    *endpoint = "unready";
    if (path == "/oauth2/token" || path == "/oauth2/revoke" || path == "/oauth2/introspect") {
      return ToHttpResponse(MakeOAuthError(OAuthErrorCode::kTemporarilyUnavailable,
                                           "no state received from the controller yet"));
    }
    return HttpResponse::Text(503, "no state received from the controller yet\n");
  }
  return RouteWithState(request, *snapshot, endpoint);
}

HttpResponse Router::RouteWithState(const HttpRequest& request, const Snapshot& snapshot,
                                    absl::string_view* endpoint) const {
  const std::string& path = request.path;
  bool get = request.method == "GET" || request.method == "HEAD";
  int64_t now = now_();
  if (path == "/oauth2/token") {
    *endpoint = "token";
    return HandleTokenRequest(request, snapshot, now, store_);
  }
  if (path == "/oauth2/revoke") {
    *endpoint = "revoke";
    return HandleRevoke(request, snapshot, now, store_);
  }
  if (path == "/oauth2/introspect") {
    *endpoint = "introspect";
    return HandleIntrospect(request, snapshot, now, store_);
  }
  bool discovery = path == "/.well-known/openid-configuration" ||
                   path == "/.well-known/oauth-authorization-server";
  if (discovery || path == "/oauth2/jwks") {
    *endpoint = discovery ? "discovery" : "jwks";
    if (!get) return MethodNotAllowed("GET, HEAD");
    return discovery ? HandleDiscovery(request, snapshot) : HandleJwks(request, snapshot);
  }
  InteractiveContext interactive{snapshot, store_, limiter_, now,
                                 ClientAddress(request, trusted_proxies_)};
  if (path == "/oauth2/authorize") return *endpoint = "authorize", HandleAuthorize(request, interactive);
  if (path == "/oauth2/login") return *endpoint = "login", HandleLogin(request, interactive);
  if (path == "/oauth2/consent") {
    return *endpoint = "consent", HandleConsent(request, interactive);
  }
  if (path == "/oauth2/userinfo") {
    return *endpoint = "userinfo", HandleUserinfo(request, snapshot, now, store_);
  }
  if (path == "/oauth2/logout") return *endpoint = "logout", HandleLogout(request, snapshot, now);
  return NotFound();
}

HttpResponse Router::HandleOps(const HttpRequest& request) const {
  if (request.path == "/metrics") return HandleMetrics();
  if (request.path == "/healthz" || request.path == "/readyz") return Handle(request);
  return HttpResponse::Text(404, "not found; try /healthz, /readyz or /metrics\n");
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  auto start = std::chrono::steady_clock::now();
  absl::string_view endpoint = "other";
  HttpResponse response = Route(request, &endpoint);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Metrics& m = Metrics::Global();
  m.Increment("nauthera_http_requests_total",
              {std::string(endpoint), std::to_string(response.status)});
  m.Observe("nauthera_http_request_duration_seconds", {std::string(endpoint)}, seconds);
  return response;
}

}  // namespace nauthera
