#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/encoding/base64.h"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/store/memory_store.h"

namespace nauthera {
namespace {

using testing::kPublicId;
using testing::kSaId;
using testing::kSaSecret;

HttpRequest WithBasic(HttpRequest request, const std::string& id, const std::string& secret) {
  request.headers.emplace_back("authorization",
                               absl::StrCat("Basic ", Base64Encode(absl::StrCat(id, ":", secret))));
  return request;
}

}  // namespace

TEST_CASE("client authentication outcomes (RFC 6749 §2.3)") {
  auto snapshot = testing::TestSnapshot();
  const std::string good_post = absl::StrCat("client_id=", kSaId, "&client_secret=", kSaSecret);
  struct Case {
    std::string name;
    HttpRequest request;
    std::string body;
    std::string expected;  // method on success, error name otherwise
    bool www_authenticate;
  };
  std::vector<Case> cases = {
      {"post, right secret", testing::TokenPost(""), good_post, "client_secret_post", false},
      {"basic, right secret", WithBasic(testing::TokenPost(""), kSaId, kSaSecret), "",
       "client_secret_basic", false},
      {"post, wrong secret", testing::TokenPost(""),
       absl::StrCat("client_id=", kSaId, "&client_secret=nope"), "invalid_client", false},
      {"basic, wrong secret", WithBasic(testing::TokenPost(""), kSaId, "nope"), "",
       "invalid_client", true},
      {"unknown client", testing::TokenPost(""), "client_id=unknown&client_secret=x",
       "invalid_client", false},
      {"no credentials at all", testing::TokenPost(""), "", "invalid_client", false},
      {"confidential client without secret", testing::TokenPost(""),
       absl::StrCat("client_id=", kSaId), "invalid_client", false},
      {"basic and post together", WithBasic(testing::TokenPost(""), kSaId, kSaSecret),
       absl::StrCat("client_secret=", kSaSecret), "invalid_request", false},
      {"basic user differs from body client_id",
       WithBasic(testing::TokenPost(""), kSaId, kSaSecret), "client_id=someone-else",
       "invalid_request", false},
      {"public client identifies itself", testing::TokenPost(""),
       absl::StrCat("client_id=", kPublicId), "none", false},
      {"public client may not present a secret method", testing::TokenPost(""),
       absl::StrCat("client_id=", kPublicId, "&client_secret=x"), "invalid_client", false},
  };
  for (Case& c : cases) {
    CAPTURE(c.name);
    auto form = Form::Parse(c.body);
    REQUIRE(form.ok());
    auto result = AuthenticateClient(c.request, *form, *snapshot);
    if (result.ok()) {
      CHECK(result->method == c.expected);
    } else {
      CHECK(result.error().name() == c.expected);
      CHECK(result.error().basic_auth_used == c.www_authenticate);
    }
  }
}

TEST_CASE("malformed Authorization headers are invalid_client with a Basic challenge") {
  auto header = GENERATE(as<std::string>{}, "Bearer abc", "Basic", "Basic !!!!",
                         "Basic " + Base64Encode("no-colon"), "Basic " + Base64Encode(":x"),
                         "Basic " + Base64Encode("%zz:x"));
  CAPTURE(header);
  auto snapshot = testing::TestSnapshot();
  HttpRequest request = testing::TokenPost("");
  request.headers.emplace_back("authorization", header);
  auto result = AuthenticateClient(request, *Form::Parse(""), *snapshot);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().name() == "invalid_client");
  CHECK(result.error().basic_auth_used);
}

TEST_CASE("HTTP Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)") {
  v1::State state = testing::TestState();
  state.mutable_clients(0)->set_client_id("id with:colon");
  auto snapshot = Snapshot::Create(state);
  REQUIRE(snapshot.ok());
  HttpRequest request =
      WithBasic(testing::TokenPost(""), "id+with%3Acolon", kSaSecret);
  auto result = AuthenticateClient(request, *Form::Parse(""), **snapshot);
  REQUIRE(result.ok());
  CHECK(result->client->client_id() == "id with:colon");
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("every client authentication failure answers word for word the same") {
  auto snapshot = testing::TestSnapshot();
  MemoryStore store;
  const std::string grant = "grant_type=authorization_code&code=c&redirect_uri=x";
  auto [name, body] = GENERATE(table<std::string, std::string>({
      {"unknown client, id only", "&client_id=nobody"},
      {"confidential client, id only (no secret)", "&client_id=web-dashboard-client"},
      {"confidential service account, id only", absl::StrCat("&client_id=", kSaId)},
      {"confidential client, wrong secret", "&client_id=web-dashboard-client&client_secret=x"},
      {"unknown client, some secret", "&client_id=nobody&client_secret=x"},
  }));
  CAPTURE(name);
  // The reference answer: an unknown client (RFC 6749 §5.2 invalid_client).
  HttpResponse reference =
      HandleTokenRequest(testing::TokenPost(grant + "&client_id=nobody"), *snapshot,
                         testing::kNow, &store);
  HttpResponse response =
      HandleTokenRequest(testing::TokenPost(grant + body), *snapshot, testing::kNow, &store);
  CHECK(reference.status == 401);
  CHECK(response.status == reference.status);
  CHECK(response.body == reference.body);
  CHECK(response.GetHeader("WWW-Authenticate") == reference.GetHeader("WWW-Authenticate"));
}

TEST_CASE("client authentication failures over HTTP Basic all answer the same too") {
  auto snapshot = testing::TestSnapshot();
  MemoryStore store;
  auto [user, secret] = GENERATE(table<std::string, std::string>({
      {"nobody", "x"},
      {"web-dashboard-client", "x"},
      {"web-dashboard-client", ""},
      {kSaId, ""},
  }));
  CAPTURE(user, secret);
  const std::string grant = "grant_type=authorization_code&code=c&redirect_uri=x";
  HttpResponse reference = HandleTokenRequest(
      WithBasic(testing::TokenPost(grant), "nobody", "x"), *snapshot, testing::kNow, &store);
  HttpResponse response = HandleTokenRequest(WithBasic(testing::TokenPost(grant), user, secret),
                                             *snapshot, testing::kNow, &store);
  CHECK(reference.status == 401);
  CHECK(response.status == reference.status);
  CHECK(response.body == reference.body);
  CHECK(response.GetHeader("WWW-Authenticate") == reference.GetHeader("WWW-Authenticate"));
}

}  // namespace nauthera
