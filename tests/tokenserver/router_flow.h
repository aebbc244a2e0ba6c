// The token server's router over the test state (test_state.h), with an injected clock, a
// state that can be replaced mid-flow (a user disabled, a client deleted), and the steps the
// OAuth tests share: a code put in the one-time store as /oauth2/authorize would, its
// exchange, refresh, userinfo and introspection.
#ifndef NAUTHERA_TESTS_TOKENSERVER_ROUTER_FLOW_H_
#define NAUTHERA_TESTS_TOKENSERVER_ROUTER_FLOW_H_

#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "nauthera/v1/state.pb.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/http/router.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/state/state_holder.h"
#include "tokenserver/store/memory_store.h"

namespace nauthera::testing {

inline constexpr char kKubectlRedirect[] = "http://localhost:8000";
inline constexpr char kDashboardRedirect[] = "https://dashboard.example.com/callback";
inline constexpr char kVerifier[] = "dBjftJeZ4CVP-mJ0kzyZb-ReaDmE0Zm-ZsLEpcXa5oD5f7Yq8KfZm3oZ9xYp";

// How a client presents itself at the token endpoint.
struct ClientCredentials {
  std::string client_id;
  std::string secret;  // empty: client_id only (public client, or a probe without a secret)
  bool basic = false;  // HTTP Basic instead of the body
};
ClientCredentials Kubectl();    // the public client
ClientCredentials Dashboard();  // the confidential client, HTTP Basic

// `state` with the dashboard in every other client's policy audiences, so that the dashboard
// (a resource server of their tokens) may introspect them.
v1::State DashboardIntrospects(v1::State state = TestState());

class RouterFlow {
 public:
  explicit RouterFlow(v1::State state = TestState(), OneTimeStore* store = nullptr);

  void SetState(const v1::State& state);
  const v1::State& state() const { return state_; }

  HttpResponse Send(HttpRequest request);
  HttpResponse Get(const std::string& path, const std::string& query);
  // A form POST to `path`, authenticated as `client`.
  HttpResponse Post(const std::string& path, const std::string& body,
                    const ClientCredentials& client);

  // A code for alice, issued to `client_id` for `redirect_uri` with the kVerifier challenge.
  std::string IssueCode(const std::string& client_id, const std::string& redirect_uri);
  HttpResponse Exchange(const std::string& code, const std::string& redirect_uri,
                        const ClientCredentials& client);
  HttpResponse Refresh(const std::string& refresh_token, const ClientCredentials& client);
  HttpResponse Userinfo(const std::string& access_token);
  // Introspection by the dashboard; REQUIREs a 200 and returns "active". The dashboard learns
  // only about its own tokens and those naming it in aud (RFC 7662 §4): see
  // DashboardIntrospects.
  bool IntrospectActive(const std::string& token);

  OneTimeStore* store() { return store_; }
  int64_t now_;

 private:
  v1::State state_;
  MemoryStore memory_;
  OneTimeStore* store_;
  StateHolder holder_;
  LoginLimiter limiter_;
  std::unique_ptr<Router> router_;
  int codes_ = 0;
};

nlohmann::json JsonOf(const HttpResponse& response);
std::string ErrorOf(const HttpResponse& response);

}  // namespace nauthera::testing

#endif  // NAUTHERA_TESTS_TOKENSERVER_ROUTER_FLOW_H_
