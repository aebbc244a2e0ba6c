// The refresh grace window (grants/refresh_token_grant.h): a just-spent token replayed within
// 30 s returns the same successor, but only while the user and the client are still active.
#include <catch2/catch.hpp>

#include <functional>

#include "nlohmann/json.hpp"
#include "tests/tokenserver/router_flow.h"

namespace nauthera {
namespace {

using testing::ErrorOf;
using testing::JsonOf;
using testing::RouterFlow;

using StateChange = std::function<void(v1::State*)>;

void Nothing(v1::State*) {}
void DisableAlice(v1::State* state) { state->mutable_users(0)->set_disabled(true); }
void DeleteAlice(v1::State* state) { state->mutable_users()->DeleteSubrange(0, 1); }
void DeleteKubectl(v1::State* state) { state->mutable_clients()->DeleteSubrange(1, 1); }
void ForbidRefresh(v1::State* state) {
  state->mutable_clients(1)->mutable_policy()->clear_allowed_grant_types();
  state->mutable_clients(1)->mutable_policy()->add_allowed_grant_types("authorization_code");
}

}  // namespace

TEST_CASE("a grace replay re-checks the user and the client before answering") {
  auto [name, change, status, error] = GENERATE(table<std::string, StateChange, int, std::string>({
      {"nothing changed: the same successor", &Nothing, 200, ""},
      {"user disabled", &DisableAlice, 400, "invalid_grant"},
      {"user deleted", &DeleteAlice, 400, "invalid_grant"},
      {"client deleted", &DeleteKubectl, 401, "invalid_client"},
      {"policy no longer allows refresh", &ForbidRefresh, 400, "unauthorized_client"},
  }));
  CAPTURE(name);
  RouterFlow flow;
  std::string code = flow.IssueCode(testing::kPublicId, testing::kKubectlRedirect);
  HttpResponse tokens = flow.Exchange(code, testing::kKubectlRedirect, testing::Kubectl());
  REQUIRE(tokens.status == 200);
  std::string first = JsonOf(tokens)["refresh_token"];
  flow.now_ += 5;
  HttpResponse rotated = flow.Refresh(first, testing::Kubectl());
  REQUIRE(rotated.status == 200);
  std::string successor = JsonOf(rotated)["refresh_token"];

  v1::State state = flow.state();
  change(&state);
  flow.SetState(state);
  flow.now_ += 5;  // still inside the 30 s grace window
  HttpResponse replay = flow.Refresh(first, testing::Kubectl());
  CHECK(replay.status == status);
  if (status == 200) {
    CHECK(JsonOf(replay)["refresh_token"] == successor);
    return;
  }
  CHECK(ErrorOf(replay) == error);
  CHECK_FALSE(JsonOf(replay).contains("refresh_token"));
  CHECK_FALSE(JsonOf(replay).contains("access_token"));
}

TEST_CASE("a grace replay after the user is disabled ends the family for good") {
  RouterFlow flow;
  std::string code = flow.IssueCode(testing::kPublicId, testing::kKubectlRedirect);
  std::string first =
      JsonOf(flow.Exchange(code, testing::kKubectlRedirect, testing::Kubectl()))["refresh_token"];
  HttpResponse rotated = flow.Refresh(first, testing::Kubectl());
  REQUIRE(rotated.status == 200);
  std::string successor = JsonOf(rotated)["refresh_token"];
  v1::State original = flow.state();
  v1::State disabled = original;
  DisableAlice(&disabled);
  flow.SetState(disabled);
  CHECK(ErrorOf(flow.Refresh(first, testing::Kubectl())) == "invalid_grant");
  flow.SetState(original);  // re-enabled: the family stays revoked
  CHECK(ErrorOf(flow.Refresh(successor, testing::Kubectl())) == "invalid_grant");
}

}  // namespace nauthera
