// POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662) through the Router, with
// an injected clock and a MemoryStore: what each token kind answers, who may ask, and hostile
// input.
#include <catch2/catch.hpp>

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/hashing.h"
#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"
#include "common/util/url.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/http/router.h"
#include "tokenserver/store/memory_store.h"
#include "tokenserver/tokens/jws.h"

namespace nauthera {
namespace {

using testing::kPublicId;
using testing::kSaId;
using testing::kSaSecret;
using testing::kWebId;
using testing::kWebSecret;

std::string Basic(const std::string& id, const std::string& secret) {
  return "Basic " + Base64Encode(FormUrlEncode(id) + ":" + FormUrlEncode(secret));
}

// The test state with apps/dashboard as a resource server of every other client's tokens
// (their policies list it in audiences), so that it may introspect them (RFC 7662 §4).
v1::State IntrospectableState() {
  v1::State state = testing::TestState();
  for (v1::Client& client : *state.mutable_clients()) {
    if (client.client_id() != kWebId) client.mutable_policy()->add_audiences(kWebId);
  }
  return state;
}

// A store that cannot be reached (RedisStore's kUnavailable).
class UnreachableStore : public MemoryStore {
 public:
  absl::StatusOr<RefreshLookup> LookupRefreshToken(const std::string&, int64_t,
                                                   int64_t) override {
    return absl::UnavailableError("redis: connection refused");
  }
};

class Server {
 public:
  explicit Server(OneTimeStore* store = nullptr) : store_(store ? store : &memory_) {
    state_.Set(*Snapshot::Create(IntrospectableState()));
    router_ = std::make_unique<Router>(&state_, store_, &limiter_, [this] { return now_; });
  }

  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::string& authorization = "") {
    HttpRequest request = testing::TokenPost(body);
    request.path = path;
    request.remote_address = "127.0.0.1";
    if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
    return router_->Handle(request);
  }

  // Revocation by the public client kubectl (client_id only, RFC 7009 §2.1).
  HttpResponse RevokeAsKubectl(const std::string& token, const std::string& extra = "") {
    return Post("/oauth2/revoke", absl::StrCat("token=", FormUrlEncode(token),
                                               "&client_id=", kPublicId, extra));
  }

  // Introspection by the confidential client apps/dashboard (HTTP Basic).
  HttpResponse IntrospectAsDashboard(const std::string& token, const std::string& extra = "") {
    return Post("/oauth2/introspect", absl::StrCat("token=", FormUrlEncode(token), extra),
                Basic(kWebId, kWebSecret));
  }

  // A refresh-token family as the authorization-code exchange creates it.
  std::string GiveRefreshToken(const std::string& client_id,
                               const std::string& subject = "subject-of-alice") {
    std::string token = absl::StrCat("refresh-", ++families_, "-abcdefghijklmnopqrstuvwxyz");
    RefreshFamily family{absl::StrCat("family-", families_), client_id, subject,
                         {"openid", "email", "offline_access"}, now_, now_ + 86400};
    REQUIRE(store_->CreateFamily(family, Sha256(token)).ok());
    return token;
  }

  HttpResponse Refresh(const std::string& token, const std::string& client_id = kPublicId) {
    return Post("/oauth2/token", absl::StrCat("grant_type=refresh_token&refresh_token=",
                                              FormUrlEncode(token), "&client_id=", client_id));
  }

  std::string ServiceAccountAccessToken() {
    HttpResponse response = Post("/oauth2/token", "grant_type=client_credentials&scope=openid+email",
                                 Basic(kSaId, kSaSecret));
    REQUIRE(response.status == 200);
    return nlohmann::json::parse(response.body)["access_token"];
  }

  HttpResponse Send(const HttpRequest& request) { return router_->Handle(request); }

  OneTimeStore* store() { return store_; }

  void SetState(std::shared_ptr<const Snapshot> snapshot) { state_.Set(std::move(snapshot)); }

  int64_t now_ = testing::kNow;

 private:
  MemoryStore memory_;
  OneTimeStore* store_;
  StateHolder state_;
  LoginLimiter limiter_;
  std::unique_ptr<Router> router_;
  int families_ = 0;
};

nlohmann::json Json(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

std::string ErrorOf(const HttpResponse& response) {
  nlohmann::json body = Json(response);
  return body.is_object() ? body.value("error", "") : "";
}

bool Active(const HttpResponse& response) {
  REQUIRE(response.status == 200);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  nlohmann::json body = Json(response);
  REQUIRE(body.is_object());
  REQUIRE(body.contains("active"));
  if (body["active"] == false) CHECK(body.size() == 1);  // RFC 7662 §2.2: nothing else
  return body["active"] == true;
}

// An at+jwt with our issuer and a live exp, signed by `key` under `kid`.
std::string ForeignJwt(const RsaKey& key, const std::string& kid) {
  nlohmann::ordered_json claims;
  claims["iss"] = testing::kIssuer;
  claims["sub"] = "subject-of-alice";
  claims["aud"] = kPublicId;
  claims["exp"] = testing::kNow + 600;
  claims["iat"] = testing::kNow;
  claims["client_id"] = kPublicId;
  claims["scope"] = "openid";
  return *SignJwt(claims, "at+jwt", key, kid);
}

std::string Segment(const std::string& json) { return Base64UrlEncode(json); }

}  // namespace

TEST_CASE("revoke: a refresh token ends its family; the token endpoint then refuses it") {
  Server server;
  std::string token = server.GiveRefreshToken(kPublicId);
  // The token works before: rotation gives a successor.
  HttpResponse rotated = server.Refresh(token);
  REQUIRE(rotated.status == 200);
  std::string successor = Json(rotated)["refresh_token"];

  HttpResponse revoked = server.RevokeAsKubectl(successor, "&token_type_hint=refresh_token");
  CHECK(revoked.status == 200);
  CHECK(revoked.body.empty());
  CHECK(revoked.GetHeader("Cache-Control") == "no-store");

  HttpResponse refused = server.Refresh(successor);
  CHECK(refused.status == 400);
  CHECK(ErrorOf(refused) == "invalid_grant");
  // Revoking again, or revoking the spent predecessor, is still 200 (RFC 7009 §2.2).
  CHECK(server.RevokeAsKubectl(successor).status == 200);
  CHECK(server.RevokeAsKubectl(token).status == 200);
}

TEST_CASE("revoke: a spent refresh token revokes the live one of its family too") {
  Server server;
  std::string token = server.GiveRefreshToken(kPublicId);
  HttpResponse rotated = server.Refresh(token);
  REQUIRE(rotated.status == 200);
  std::string successor = Json(rotated)["refresh_token"];
  CHECK(server.RevokeAsKubectl(token).status == 200);
  CHECK(ErrorOf(server.Refresh(successor)) == "invalid_grant");
}

TEST_CASE("revoke: another client's refresh token answers 200 and changes nothing") {
  Server server;
  std::string dashboards = server.GiveRefreshToken(kWebId);
  std::string kubectls = server.GiveRefreshToken(kPublicId);
  HttpResponse response = server.RevokeAsKubectl(dashboards);
  CHECK(response.status == 200);
  CHECK(response.body.empty());
  // Still live: the owner can introspect it as active.
  CHECK(Active(server.IntrospectAsDashboard(dashboards)));
  // And dashboard cannot revoke kubectl's token either.
  CHECK(server.Post("/oauth2/revoke", "token=" + kubectls, Basic(kWebId, kWebSecret)).status ==
        200);
  CHECK(server.Refresh(kubectls).status == 200);
}

TEST_CASE("revoke: a confidential client revokes its own token with Basic or post") {
  Server server;
  std::string first = server.GiveRefreshToken(kWebId);
  CHECK(server.Post("/oauth2/revoke", "token=" + first, Basic(kWebId, kWebSecret)).status == 200);
  CHECK_FALSE(Active(server.IntrospectAsDashboard(first)));
  // dashboard is registered for client_secret_basic only: post is refused like at /token.
  std::string second = server.GiveRefreshToken(kWebId);
  HttpResponse post = server.Post(
      "/oauth2/revoke", absl::StrCat("token=", second, "&client_id=", kWebId,
                                     "&client_secret=", FormUrlEncode(kWebSecret)));
  CHECK(post.status == 401);
  CHECK(ErrorOf(post) == "invalid_client");
  CHECK(Active(server.IntrospectAsDashboard(second)));
}

TEST_CASE("revoke: unknown and hostile tokens answer 200") {
  Server server;
  std::string live = server.GiveRefreshToken(kPublicId);
  std::string huge(9000, 'A');
  std::string with_nul = std::string("abc\0def", 7);
  for (const std::string& token :
       {std::string("never-issued"), std::string("a.b.c"), huge, with_nul, std::string("...."),
        std::string("%")}) {
    CAPTURE(token.substr(0, 20));
    HttpResponse response = server.RevokeAsKubectl(token, "&token_type_hint=bogus_hint");
    CHECK(response.status == 200);
  }
  CHECK(server.Refresh(live).status == 200);  // nothing else changed
}

TEST_CASE("revoke: an access token is refused with unsupported_token_type") {
  Server server;
  std::string refresh = server.GiveRefreshToken(kPublicId);
  HttpResponse tokens = server.Refresh(refresh);
  REQUIRE(tokens.status == 200);
  std::string access = Json(tokens)["access_token"];
  HttpResponse response = server.RevokeAsKubectl(access, "&token_type_hint=access_token");
  CHECK(response.status == 400);
  CHECK(ErrorOf(response) == "unsupported_token_type");
  std::string description = Json(response)["error_description"];
  CHECK_THAT(description, Catch::Contains("expire on their own") &&
                              Catch::Contains("Revoke the refresh token"));
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  // Another client's access token: 200, nothing said.
  CHECK(server.Post("/oauth2/revoke", "token=" + access, Basic(kWebId, kWebSecret)).status == 200);
  // The hint does not matter.
  CHECK(server.RevokeAsKubectl(access, "&token_type_hint=refresh_token").status == 400);
}

TEST_CASE("revoke and introspect: request errors") {
  Server server;
  SECTION("missing token") {
    for (const char* path : {"/oauth2/revoke", "/oauth2/introspect"}) {
      HttpResponse response = server.Post(path, "token_type_hint=refresh_token",
                                          Basic(kWebId, kWebSecret));
      CHECK(response.status == 400);
      CHECK(ErrorOf(response) == "invalid_request");
      CHECK_THAT(Json(response)["error_description"].get<std::string>(),
                 Catch::Contains("token is missing"));
    }
  }
  SECTION("duplicated parameter") {
    for (const char* path : {"/oauth2/revoke", "/oauth2/introspect"}) {
      HttpResponse response = server.Post(path, "token=a&token=b", Basic(kWebId, kWebSecret));
      CHECK(response.status == 400);
      CHECK(ErrorOf(response) == "invalid_request");
    }
  }
  SECTION("wrong secret, Basic: 401 with WWW-Authenticate") {
    for (const char* path : {"/oauth2/revoke", "/oauth2/introspect"}) {
      HttpResponse response = server.Post(path, "token=abc", Basic(kWebId, "wrong"));
      CHECK(response.status == 401);
      CHECK(ErrorOf(response) == "invalid_client");
      CHECK_THAT(response.GetHeader("WWW-Authenticate"), Catch::StartsWith("Basic"));
    }
  }
  SECTION("wrong secret, post; no client at all") {
    HttpResponse post = server.Post(
        "/oauth2/introspect",
        absl::StrCat("token=abc&client_id=", kSaId, "&client_secret=wrong"));
    CHECK(post.status == 401);
    CHECK(ErrorOf(post) == "invalid_client");
    CHECK(post.GetHeader("WWW-Authenticate").empty());
    HttpResponse anonymous = server.Post("/oauth2/revoke", "token=abc");
    CHECK(anonymous.status == 401);
    CHECK(ErrorOf(anonymous) == "invalid_client");
  }
  SECTION("GET is 405 with Allow: POST") {
    for (const char* path : {"/oauth2/revoke", "/oauth2/introspect"}) {
      HttpRequest get = testing::TokenPost("");
      get.method = "GET";
      get.path = path;
      get.query = "token=abc";
      get.headers.emplace_back("authorization", Basic(kWebId, kWebSecret));
      HttpResponse answer = server.Send(get);
      CHECK(answer.status == 405);
      CHECK(answer.GetHeader("Allow") == "POST");
      CHECK(ErrorOf(answer) == "invalid_request");
    }
  }
  SECTION("JSON body is refused") {
    for (const char* path : {"/oauth2/revoke", "/oauth2/introspect"}) {
      HttpRequest request = testing::TokenPost(R"({"token":"abc"})");
      request.path = path;
      request.headers.clear();
      request.headers.emplace_back("content-type", "application/json");
      request.headers.emplace_back("authorization", Basic(kWebId, kWebSecret));
      HttpResponse answer = server.Send(request);
      CHECK(answer.status == 400);
      CHECK(ErrorOf(answer) == "invalid_request");
      CHECK_THAT(answer.body, Catch::Contains("Content-Type"));
    }
  }
  SECTION("token in the URL query is refused") {
    HttpRequest request = testing::TokenPost("");
    request.path = "/oauth2/revoke";
    request.query = "token=abc";
    request.headers.emplace_back("authorization", Basic(kWebId, kWebSecret));
    CHECK(ErrorOf(server.Send(request)) == "invalid_request");
  }
}

TEST_CASE("revoke and introspect: an unreachable store is 503 temporarily_unavailable") {
  UnreachableStore store;
  Server server(&store);
  HttpResponse revoke = server.RevokeAsKubectl("some-refresh-token");
  CHECK(revoke.status == 503);
  CHECK(ErrorOf(revoke) == "temporarily_unavailable");
  HttpResponse introspect = server.IntrospectAsDashboard("some-refresh-token");
  CHECK(introspect.status == 503);
  CHECK(ErrorOf(introspect) == "temporarily_unavailable");
}

TEST_CASE("introspect: a live access token is active with its claims") {
  Server server;
  std::string access = server.ServiceAccountAccessToken();
  HttpResponse response = server.IntrospectAsDashboard(access, "&token_type_hint=access_token");
  REQUIRE(Active(response));
  nlohmann::json body = Json(response);
  CHECK(body["client_id"] == kSaId);
  CHECK(body["sub"] == kSaId);
  CHECK(body["iss"] == testing::kIssuer);
  CHECK(body["scope"] == "openid email");
  CHECK(body["token_type"] == "Bearer");
  CHECK(body["email"] == "ci-deployer@ci-cd.svc");
  CHECK(body["exp"] == testing::kNow + 600);
  CHECK(body["iat"] == testing::kNow);
  CHECK(body["aud"] == nlohmann::json({kSaId, kWebId}));
  CHECK(body.contains("jti"));
  // client_secret_post works too (ci-deployer may use it).
  HttpResponse post = server.Post(
      "/oauth2/introspect", absl::StrCat("token=", access, "&client_id=", kSaId,
                                         "&client_secret=", FormUrlEncode(kSaSecret)));
  CHECK(Active(post));
  // A user's access token carries username and email.
  HttpResponse tokens = server.Refresh(server.GiveRefreshToken(kPublicId));
  REQUIRE(tokens.status == 200);
  HttpResponse user = server.IntrospectAsDashboard(Json(tokens)["access_token"]);
  REQUIRE(Active(user));
  CHECK(Json(user)["sub"] == "subject-of-alice");
  CHECK(Json(user)["email"] == "alice@example.com");
  // Expired: inactive.
  server.now_ += 601;
  CHECK_FALSE(Active(server.IntrospectAsDashboard(access)));
}

TEST_CASE("introspect: a token signed by a retired key stays active; a dropped key does not") {
  Server server;
  std::string access = server.ServiceAccountAccessToken();
  auto next = RsaKey::Generate(2048);
  REQUIRE(next.ok());
  v1::State rotated = IntrospectableState();
  rotated.mutable_signing_keys(0)->set_phase(v1::SigningKey::RETIRED);
  v1::SigningKey* fresh = rotated.add_signing_keys();
  fresh->set_kid((*next)->Thumbprint());
  fresh->set_algorithm("RS256");
  fresh->set_private_key_pem((*next)->PrivatePem());
  fresh->set_phase(v1::SigningKey::ACTIVE);
  server.SetState(*Snapshot::Create(rotated));
  CHECK(Active(server.IntrospectAsDashboard(access)));
  // The old key leaves the JWKS: its tokens are no longer active.
  rotated.mutable_signing_keys()->DeleteSubrange(0, 1);
  server.SetState(*Snapshot::Create(rotated));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(access)));
}

TEST_CASE("introspect: a refresh token is active only while live and only for its client") {
  Server server;
  std::string token = server.GiveRefreshToken(kWebId);
  HttpResponse response = server.IntrospectAsDashboard(token, "&token_type_hint=refresh_token");
  REQUIRE(Active(response));
  nlohmann::json body = Json(response);
  CHECK(body["client_id"] == kWebId);
  CHECK(body["sub"] == "subject-of-alice");
  CHECK(body["username"] == "alice");
  CHECK(body["scope"] == "openid email offline_access");
  CHECK(body["exp"] == testing::kNow + 86400);
  CHECK_FALSE(body.contains("token_type"));
  // Another confidential client learns nothing about it.
  CHECK_FALSE(Active(server.Post("/oauth2/introspect", "token=" + token, Basic(kSaId, kSaSecret))));
  // Revoked: inactive.
  REQUIRE(server.Post("/oauth2/revoke", "token=" + token, Basic(kWebId, kWebSecret)).status == 200);
  CHECK_FALSE(Active(server.IntrospectAsDashboard(token)));
  // Past the family's end: inactive.
  std::string later = server.GiveRefreshToken(kWebId);
  CHECK(Active(server.IntrospectAsDashboard(later)));
  server.now_ += 86400;
  CHECK_FALSE(Active(server.IntrospectAsDashboard(later)));
}

TEST_CASE("introspect: a spent refresh token and a disabled user's token are inactive") {
  Server server;
  std::string token = server.GiveRefreshToken(kWebId);  // family-1
  REQUIRE(server.store()
              ->RotateRefreshToken("family-1", Sha256(token), Sha256("the-successor"), "{}",
                                   server.now_)
              .ok());
  // Spent, even inside the replay window: inactive. Its successor: active.
  CHECK_FALSE(Active(server.IntrospectAsDashboard(token)));
  CHECK(Active(server.IntrospectAsDashboard("the-successor")));
  std::string carols = server.GiveRefreshToken(kWebId, "subject-of-carol");  // disabled
  CHECK_FALSE(Active(server.IntrospectAsDashboard(carols)));
}

TEST_CASE("introspect: public clients are refused with a clear invalid_client") {
  Server server;
  std::string token = server.GiveRefreshToken(kPublicId);
  HttpResponse response = server.Post(
      "/oauth2/introspect", absl::StrCat("token=", token, "&client_id=", kPublicId));
  CHECK(response.status == 401);
  CHECK(ErrorOf(response) == "invalid_client");
  CHECK_THAT(Json(response)["error_description"].get<std::string>(),
             Catch::Contains("confidential client"));
}

TEST_CASE("introspect: our key's signature is not enough: nbf, typ, iss and exp are checked") {
  Server server;
  auto ours = RsaKey::FromPrivatePem(testing::TestKeyPem());
  REQUIRE(ours.ok());
  auto sign = [&](const std::function<void(nlohmann::ordered_json*)>& change,
                  const char* typ = "at+jwt") {
    nlohmann::ordered_json claims;
    claims["iss"] = testing::kIssuer;
    claims["sub"] = kSaId;
    claims["aud"] = {kSaId, kWebId};
    claims["exp"] = testing::kNow + 600;
    claims["iat"] = testing::kNow;
    claims["client_id"] = kSaId;
    claims["scope"] = "openid";
    change(&claims);
    return *SignJwt(claims, typ, **ours, (*ours)->Thumbprint());
  };
  // The control: as issued, active (with nbf passed).
  CHECK(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["nbf"] = testing::kNow - 1; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["nbf"] = testing::kNow + 60; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["nbf"] = "soon"; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(sign([](nlohmann::ordered_json*) {}, "JWT"))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["iss"] = "https://other.example.com"; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["exp"] = testing::kNow; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["client_id"] = "deleted-client"; }))));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["sub"] = "subject-of-carol"; }))));  // disabled
  CHECK_FALSE(Active(server.IntrospectAsDashboard(
      sign([](nlohmann::ordered_json* c) { (*c)["client_id"] = 42; }))));
}

TEST_CASE("introspect: garbage and hostile tokens are inactive") {
  Server server;
  auto foreign = RsaKey::Generate(2048);
  REQUIRE(foreign.ok());
  std::string ours = server.ServiceAccountAccessToken();
  std::vector<std::string> parts = absl::StrSplit(ours, '.');
  std::string kid = nlohmann::json::parse(*Base64UrlDecode(parts[0]))["kid"];
  nlohmann::ordered_json none_header = {{"alg", "none"}, {"typ", "at+jwt"}, {"kid", kid}};
  nlohmann::ordered_json hs_header = {{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", kid}};
  nlohmann::ordered_json other_iss = nlohmann::json::parse(*Base64UrlDecode(parts[1]));
  other_iss["iss"] = "https://evil.example.com";

  std::vector<std::string> hostile = {
      "a.b.c",
      "....",
      std::string("abc\0.def.ghi", 12),
      std::string(9000, 'A'),
      std::string(9000, '.'),
      absl::StrCat(std::string(5000, 'x'), ".", std::string(5000, 'y'), ".z"),
      // alg none, with and without a signature part
      absl::StrCat(Segment(none_header.dump()), ".", parts[1], "."),
      absl::StrCat(Segment(none_header.dump()), ".", parts[1], ".", parts[2]),
      // HS256 "signed" with the public key's bytes is not RS256
      absl::StrCat(Segment(hs_header.dump()), ".", parts[1], ".", parts[2]),
      // our kid, a foreign key
      ForeignJwt(**foreign, kid),
      ForeignJwt(**foreign, (*foreign)->Thumbprint()),
      // payload changed under our signature (another issuer)
      absl::StrCat(parts[0], ".", Segment(other_iss.dump()), ".", parts[2]),
      // signature cut
      absl::StrCat(parts[0], ".", parts[1], "."),
      "never-issued-refresh-token",
  };
  for (const std::string& token : hostile) {
    CAPTURE(token.substr(0, 40));
    CHECK_FALSE(Active(server.IntrospectAsDashboard(token)));
    HttpResponse revoke = server.RevokeAsKubectl(token);
    CHECK(revoke.status == 200);
  }
  CHECK(Active(server.IntrospectAsDashboard(ours)));  // the real one still is
}

TEST_CASE("discovery advertises revocation and introspection") {
  Server server;
  HttpRequest request;
  request.method = "GET";
  request.path = "/.well-known/openid-configuration";
  nlohmann::json doc = Json(server.Send(request));
  CHECK(doc["revocation_endpoint"] == absl::StrCat(testing::kIssuer, "/oauth2/revoke"));
  CHECK(doc["introspection_endpoint"] == absl::StrCat(testing::kIssuer, "/oauth2/introspect"));
  CHECK(doc["revocation_endpoint_auth_methods_supported"] ==
        nlohmann::json({"client_secret_basic", "client_secret_post", "none"}));
  CHECK(doc["introspection_endpoint_auth_methods_supported"] ==
        nlohmann::json({"client_secret_basic", "client_secret_post"}));
}

}  // namespace nauthera

namespace nauthera {

TEST_CASE("introspect: a client learns only about tokens issued to it or naming it in aud "
          "(RFC 7662 §4)") {
  Server server;
  server.SetState(*Snapshot::Create(testing::TestState()));  // no policy lists the dashboard
  std::string access = server.ServiceAccountAccessToken();  // issued to ci-deployer
  // Another confidential client: as if the token did not exist (RFC 7662 §2.2).
  HttpResponse other = server.IntrospectAsDashboard(access);
  CHECK_FALSE(Active(other));
  // The client it was issued to.
  HttpResponse own =
      server.Post("/oauth2/introspect", "token=" + access, Basic(kSaId, kSaSecret));
  CHECK(Active(own));
  // A policy naming the dashboard as an audience of ci-deployer's tokens lets it introspect
  // the tokens issued from then on.
  server.SetState(*Snapshot::Create(IntrospectableState()));
  std::string for_dashboard = server.ServiceAccountAccessToken();
  CHECK(Active(server.IntrospectAsDashboard(for_dashboard)));
  CHECK_FALSE(Active(server.IntrospectAsDashboard(access)));  // aud was fixed at issuance
}

}  // namespace nauthera
