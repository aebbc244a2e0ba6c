// The grant table (tokenserver/grants/grant_table.h): the one place /oauth2/token dispatches
// from and discovery lists from; its shared checks run before any grant handler.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/router_flow.h"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/grants/grant_table.h"

namespace nauthera {
namespace {

using testing::ClientCredentials;

// Index of each client in TestState().
constexpr int kSa = 0;
constexpr int kKubectl = 1;
constexpr int kDashboard = 2;

ClientCredentials ServiceAccount() {
  return {testing::kSaId, testing::kSaSecret, true};
}

ClientCredentials CredentialsOf(int client) {
  if (client == kSa) return ServiceAccount();
  if (client == kKubectl) return testing::Kubectl();
  return testing::Dashboard();
}

}  // namespace

TEST_CASE("the grant table names each grant once, with its handler and flags") {
  std::vector<std::string> names;
  for (const Grant& grant : Grants()) {
    CAPTURE(grant.name);
    CHECK(grant.handler != nullptr);
    CHECK(FindGrant(grant.name) == &grant);
    names.emplace_back(grant.name);
  }
  CHECK(names == std::vector<std::string>{std::string(kGrantAuthorizationCode),
                                          std::string(kGrantRefreshToken),
                                          std::string(kGrantClientCredentials)});
  CHECK(FindGrant(kGrantClientCredentials)->confidential_only);
  CHECK_FALSE(FindGrant(kGrantAuthorizationCode)->confidential_only);
  CHECK(FindGrant("password") == nullptr);
  CHECK(FindGrant("") == nullptr);
}

TEST_CASE("discovery lists grant_types_supported from the grant table") {
  for (bool interactive : {true, false}) {
    CAPTURE(interactive);
    v1::State state = testing::TestState();
    if (!interactive) state.clear_session_key();
    auto snapshot = Snapshot::Create(state);
    REQUIRE(snapshot.ok());
    auto doc = nlohmann::json::parse(RenderDiscovery(**snapshot));
    nlohmann::json expected = GrantTypesSupported(interactive);
    CHECK(doc["grant_types_supported"] == expected);
    for (const nlohmann::json& name : doc["grant_types_supported"]) {
      CHECK(FindGrant(name.get<std::string>()) != nullptr);
    }
  }
}

TEST_CASE("the token endpoint refuses a grant the client may not use before its handler runs") {
  // Each row presents a grant's parameters that its handler would refuse differently (no
  // code, an unknown refresh token): unauthorized_client proves the dispatcher refused first.
  auto [name, client, grant_type, registered, allowed, error] =
      GENERATE(table<std::string, int, std::string, bool, bool, std::string>({
          {"public client, confidential-only grant", kKubectl, "client_credentials", true, true,
           "unauthorized_client"},
          {"code grant not registered", kSa, "authorization_code", false, true,
           "unauthorized_client"},
          {"refresh not registered", kDashboard, "refresh_token", false, true,
           "unauthorized_client"},
          {"refresh registered, policy forbids", kKubectl, "refresh_token", true, false,
           "unauthorized_client"},
          {"code registered, policy forbids", kDashboard, "authorization_code", true, false,
           "unauthorized_client"},
          {"client_credentials registered, policy forbids", kSa, "client_credentials", true,
           false, "unauthorized_client"},
          {"allowed: the handler answers", kKubectl, "refresh_token", true, true,
           "invalid_grant"},
          {"allowed: the handler answers (code)", kDashboard, "authorization_code", true, true,
           "invalid_grant"},
      }));
  CAPTURE(name);
  v1::State state = testing::TestState();
  v1::Client* c = state.mutable_clients(client);
  c->clear_grant_types();
  if (registered) c->add_grant_types(grant_type);
  c->mutable_policy()->clear_allowed_grant_types();
  if (allowed) c->mutable_policy()->add_allowed_grant_types(grant_type);
  testing::RouterFlow flow(state);
  HttpResponse response = flow.Post(
      "/oauth2/token",
      absl::StrCat("grant_type=", grant_type, "&code=unknown-code&refresh_token=unknown-token",
                   "&redirect_uri=x&code_verifier=", testing::kVerifier),
      CredentialsOf(client));
  CHECK(response.status == 400);
  CHECK(testing::ErrorOf(response) == error);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
}

TEST_CASE("CheckGrantAllowed: confidential-only, registration and policy, in that order") {
  v1::Client client;
  client.set_client_id("c");
  auto [method, grant_name, registered, allowed, ok] =
      GENERATE(table<std::string, std::string, bool, bool, bool>({
          {"none", "client_credentials", true, true, false},
          {"client_secret_basic", "client_credentials", true, true, true},
          {"client_secret_post", "client_credentials", false, true, false},
          {"client_secret_post", "client_credentials", true, false, false},
          {"none", "authorization_code", true, true, true},
          {"none", "refresh_token", true, false, false},
      }));
  CAPTURE(method, grant_name, registered, allowed);
  if (registered) client.add_grant_types(grant_name);
  if (allowed) client.mutable_policy()->add_allowed_grant_types(grant_name);
  const Grant* grant = FindGrant(grant_name);
  REQUIRE(grant != nullptr);
  auto result = CheckGrantAllowed(*grant, AuthenticatedClient{&client, method});
  CHECK(result.ok() == ok);
  if (!result.ok()) CHECK(result.error().name() == "unauthorized_client");
}

}  // namespace nauthera
