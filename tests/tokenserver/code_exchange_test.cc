// The authorization code at the token endpoint (RFC 6749 §4.1.2, §4.1.3): checked against the
// presenting client before it is spent, and a replay by its own client revokes everything the
// first exchange issued, access tokens included (refused at userinfo and introspection).
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/router_flow.h"

namespace nauthera {
namespace {

using testing::ClientCredentials;
using testing::ErrorOf;
using testing::JsonOf;
using testing::RouterFlow;

struct Party {
  std::string name;
  ClientCredentials credentials;
  std::string redirect_uri;
};

Party KubectlParty() { return {"kubectl", testing::Kubectl(), testing::kKubectlRedirect}; }
Party DashboardParty() { return {"dashboard", testing::Dashboard(), testing::kDashboardRedirect}; }

// The test state with the dashboard also allowed to refresh, so both rightful clients hold a
// refresh family a stranger could try to revoke.
v1::State BothRefresh() {
  v1::State state = testing::DashboardIntrospects();
  state.mutable_clients(2)->add_grant_types("refresh_token");
  return state;
}

}  // namespace

TEST_CASE("a code presented by another client is invalid_grant and changes nothing") {
  auto [rightful, stranger, spent_first] = GENERATE(table<Party, Party, bool>({
      {KubectlParty(), DashboardParty(), false},
      {KubectlParty(), DashboardParty(), true},
      {DashboardParty(), KubectlParty(), false},  // the public kubectl id is enough to try
      {DashboardParty(), KubectlParty(), true},
  }));
  CAPTURE(rightful.name, stranger.name, spent_first);
  RouterFlow flow(BothRefresh());
  std::string code = flow.IssueCode(rightful.credentials.client_id, rightful.redirect_uri);
  std::string refresh;
  std::string access;
  if (spent_first) {
    HttpResponse first = flow.Exchange(code, rightful.redirect_uri, rightful.credentials);
    REQUIRE(first.status == 200);
    refresh = JsonOf(first)["refresh_token"];
    access = JsonOf(first)["access_token"];
  }
  // The stranger, with its own valid authentication and even the right redirect URI.
  HttpResponse stolen = flow.Exchange(code, rightful.redirect_uri, stranger.credentials);
  CHECK(stolen.status == 400);
  CHECK(ErrorOf(stolen) == "invalid_grant");
  CHECK_FALSE(JsonOf(stolen).contains("access_token"));
  if (spent_first) {
    // Nothing of the rightful client's was revoked.
    CHECK(flow.Userinfo(access).status == 200);
    CHECK(flow.IntrospectActive(access));
    HttpResponse refreshed = flow.Refresh(refresh, rightful.credentials);
    CHECK(refreshed.status == 200);
  } else {
    // The code is still unspent for its own client.
    HttpResponse redeemed = flow.Exchange(code, rightful.redirect_uri, rightful.credentials);
    CHECK(redeemed.status == 200);
    CHECK(JsonOf(redeemed).contains("access_token"));
  }
}

TEST_CASE("a replayed code's access tokens are refused at userinfo and introspection") {
  // Rows: a client with a refresh family (its access tokens carry the family id) and one
  // without (a grant id of their own); and an access token from a refresh of that family.
  auto [name, party, state, via_refresh] = GENERATE(table<std::string, Party, v1::State, bool>({
      {"kubectl, first access token", KubectlParty(), testing::DashboardIntrospects(), false},
      {"kubectl, access token from a refresh", KubectlParty(), testing::DashboardIntrospects(), true},
      {"dashboard without refresh", DashboardParty(), testing::TestState(), false},
  }));
  CAPTURE(name);
  RouterFlow flow(state);
  std::string code = flow.IssueCode(party.credentials.client_id, party.redirect_uri);
  HttpResponse first = flow.Exchange(code, party.redirect_uri, party.credentials);
  REQUIRE(first.status == 200);
  std::string access = JsonOf(first)["access_token"];
  if (via_refresh) {
    HttpResponse refreshed = flow.Refresh(JsonOf(first)["refresh_token"], party.credentials);
    REQUIRE(refreshed.status == 200);
    access = JsonOf(refreshed)["access_token"];
  }
  REQUIRE(flow.Userinfo(access).status == 200);
  REQUIRE(flow.IntrospectActive(access));
  // The rightful client (or whoever holds its credentials) replays the code.
  flow.now_ += 2;
  HttpResponse replay = flow.Exchange(code, party.redirect_uri, party.credentials);
  CHECK(ErrorOf(replay) == "invalid_grant");
  HttpResponse userinfo = flow.Userinfo(access);
  CHECK(userinfo.status == 401);
  CHECK_THAT(userinfo.GetHeader("WWW-Authenticate"), Catch::Contains("error=\"invalid_token\""));
  CHECK_FALSE(flow.IntrospectActive(access));
  // Still refused later in the token's life; the refresh family is gone too.
  flow.now_ += 500;
  CHECK(flow.Userinfo(access).status == 401);
  if (JsonOf(first).contains("refresh_token")) {
    CHECK(ErrorOf(flow.Refresh(JsonOf(first)["refresh_token"], party.credentials)) ==
          "invalid_grant");
  }
}

TEST_CASE("access tokens of other grants stay valid after a code replay") {
  RouterFlow flow(testing::DashboardIntrospects());
  std::string replayed = flow.IssueCode(testing::kPublicId, testing::kKubectlRedirect);
  std::string other = flow.IssueCode(testing::kPublicId, testing::kKubectlRedirect);
  HttpResponse a = flow.Exchange(replayed, testing::kKubectlRedirect, testing::Kubectl());
  HttpResponse b = flow.Exchange(other, testing::kKubectlRedirect, testing::Kubectl());
  REQUIRE(a.status == 200);
  REQUIRE(b.status == 200);
  CHECK(ErrorOf(flow.Exchange(replayed, testing::kKubectlRedirect, testing::Kubectl())) ==
        "invalid_grant");
  CHECK(flow.Userinfo(JsonOf(a)["access_token"]).status == 401);
  CHECK(flow.Userinfo(JsonOf(b)["access_token"]).status == 200);
  CHECK(flow.IntrospectActive(JsonOf(b)["access_token"]));
}

TEST_CASE("a reused refresh token's family access tokens are refused too (RFC 9700 §4.14.2)") {
  RouterFlow flow;
  std::string code = flow.IssueCode(testing::kPublicId, testing::kKubectlRedirect);
  HttpResponse first = flow.Exchange(code, testing::kKubectlRedirect, testing::Kubectl());
  REQUIRE(first.status == 200);
  std::string spent = JsonOf(first)["refresh_token"];
  HttpResponse rotated = flow.Refresh(spent, testing::Kubectl());
  REQUIRE(rotated.status == 200);
  std::string access = JsonOf(rotated)["access_token"];
  flow.now_ += 60;  // outside the grace window: reuse is theft
  CHECK(ErrorOf(flow.Refresh(spent, testing::Kubectl())) == "invalid_grant");
  CHECK(flow.Userinfo(access).status == 401);
  CHECK_FALSE(flow.IntrospectActive(access));
}

}  // namespace nauthera
