#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/rsa_key.h"
#include "common/encoding/base64.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/endpoints/token_endpoint.h"
#include "tokenserver/store/memory_store.h"

namespace nauthera {
namespace {

using testing::kNow;
using testing::kSaId;
using testing::kSaSecret;

MemoryStore store;

std::string SaPost(const std::string& extra) {
  return absl::StrCat("grant_type=client_credentials&client_id=", kSaId,
                      "&client_secret=", kSaSecret, extra);
}

// RS256 verification straight through OpenSSL's EVP API from the public PEM, independent of
// the code under test.
bool OpenSslVerifies(const std::string& jwt, const std::string& public_pem) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  if (parts.size() != 3) return false;
  std::string input = absl::StrCat(parts[0], ".", parts[1]);
  auto signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) return false;
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = pkey && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()),
                             signature->size(),
                             reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

nlohmann::json Part(const std::string& jwt, int index) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  return nlohmann::json::parse(*Base64UrlDecode(parts[index]));
}

}  // namespace

TEST_CASE("client_credentials issues an RFC 9068 access token for a service account") {
  auto snapshot = testing::TestSnapshot();
  HttpResponse response =
      HandleTokenRequest(testing::TokenPost(SaPost("&scope=openid+email+groups")), *snapshot, kNow, &store);
  REQUIRE(response.status == 200);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["token_type"] == "Bearer");
  CHECK(body["expires_in"] == 600);
  CHECK(body["scope"] == "openid email groups");
  CHECK_FALSE(body.contains("refresh_token"));  // RFC 6749 §4.4.3
  std::string jwt = body["access_token"];
  auto key = RsaKey::FromPrivatePem(testing::TestKeyPem());
  CHECK(OpenSslVerifies(jwt, (*key)->PublicPem()));
  auto header = Part(jwt, 0);
  CHECK(header["alg"] == "RS256");
  CHECK(header["typ"] == "at+jwt");
  CHECK(header["kid"] == snapshot->active_kid());
  auto claims = Part(jwt, 1);
  CHECK(claims["iss"] == testing::kIssuer);
  CHECK(claims["sub"] == kSaId);
  CHECK(claims["aud"] == kSaId);
  CHECK(claims["client_id"] == kSaId);
  CHECK(claims["iat"] == kNow);
  CHECK(claims["exp"] == kNow + 600);
  CHECK(claims["jti"].get<std::string>().size() >= 16);
  CHECK(claims["email"] == "ci-deployer@ci-cd.svc");
  CHECK(claims["email_verified"].is_boolean());
  CHECK(claims["email_verified"] == true);
  CHECK(claims["groups"] == nlohmann::json({"ci"}));
}

TEST_CASE("claims follow the granted scopes and the policy's audiences") {
  v1::State state = testing::TestState();
  v1::EffectivePolicy* policy = state.mutable_clients(0)->mutable_policy();
  policy->add_audiences("kube-apiserver-client-id");
  policy->clear_allowed_scopes();
  policy->add_allowed_scopes("openid");
  policy->add_allowed_scopes("email");  // groups narrowed away by policy
  auto snapshot = Snapshot::Create(state);
  REQUIRE(snapshot.ok());
  HttpResponse response = HandleTokenRequest(
      testing::TokenPost(SaPost("&scope=openid+email+groups")), **snapshot, kNow, &store);
  REQUIRE(response.status == 200);
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["scope"] == "openid email");
  auto claims = Part(body["access_token"], 1);
  CHECK(claims["aud"] == nlohmann::json({kSaId, "kube-apiserver-client-id"}));
  CHECK_FALSE(claims.contains("groups"));
  CHECK(claims["email"] == "ci-deployer@ci-cd.svc");
}

TEST_CASE("token endpoint errors: RFC 6749 §5.2 code and status, no-store, nothing issued") {
  auto snapshot = testing::TestSnapshot();
  auto [name, method, content_type, body, status, error] =
      GENERATE(table<std::string, std::string, std::string, std::string, int, std::string>({
          {"GET", "GET", "application/x-www-form-urlencoded", SaPost(""), 405, "invalid_request"},
          {"JSON body", "POST", "application/json", "{}", 400, "invalid_request"},
          {"no content type", "POST", "", SaPost(""), 400, "invalid_request"},
          {"missing grant_type", "POST", "application/x-www-form-urlencoded",
           absl::StrCat("client_id=", kSaId, "&client_secret=", kSaSecret), 400,
           "invalid_request"},
          {"duplicated grant_type", "POST", "application/x-www-form-urlencoded",
           SaPost("&grant_type=client_credentials"), 400, "invalid_request"},
          {"duplicated client_secret", "POST", "application/x-www-form-urlencoded",
           SaPost("&client_secret=x"), 400, "invalid_request"},
          {"broken escape", "POST", "application/x-www-form-urlencoded", SaPost("&scope=%G0"),
           400, "invalid_request"},
          {"password grant", "POST", "application/x-www-form-urlencoded",
           "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"},
          {"unknown grant", "POST", "application/x-www-form-urlencoded",
           "grant_type=urn:example:nope", 400, "unsupported_grant_type"},
          {"wrong secret", "POST", "application/x-www-form-urlencoded",
           absl::StrCat("grant_type=client_credentials&client_id=", kSaId, "&client_secret=x"),
           401, "invalid_client"},
          {"unknown client", "POST", "application/x-www-form-urlencoded",
           "grant_type=client_credentials&client_id=nobody&client_secret=x", 401,
           "invalid_client"},
          {"scope not registered", "POST", "application/x-www-form-urlencoded",
           SaPost("&scope=openid+profile"), 400, "invalid_scope"},
          {"malformed scope", "POST", "application/x-www-form-urlencoded",
           SaPost("&scope=openid++email"), 400, "invalid_scope"},
          {"public client", "POST", "application/x-www-form-urlencoded",
           absl::StrCat("grant_type=client_credentials&client_id=", testing::kPublicId), 400,
           "unauthorized_client"},
      }));
  CAPTURE(name);
  HttpRequest request = testing::TokenPost(body);
  request.method = method;
  request.headers.clear();
  if (!content_type.empty()) request.headers.emplace_back("content-type", content_type);
  HttpResponse response = HandleTokenRequest(request, *snapshot, kNow, &store);
  CHECK(response.status == status);
  CHECK(response.GetHeader("Cache-Control") == "no-store");
  CHECK(response.GetHeader("Content-Type") == "application/json");
  auto json = nlohmann::json::parse(response.body);
  CHECK(json["error"] == error);
  CHECK_FALSE(json["error_description"].get<std::string>().empty());
  CHECK_FALSE(json.contains("access_token"));
}

TEST_CASE("oversized bodies and query parameters are invalid_request") {
  auto snapshot = testing::TestSnapshot();
  HttpRequest big = testing::TokenPost(std::string(kMaxFormPostBytes + 1, 'a'));
  CHECK(HandleTokenRequest(big, *snapshot, kNow, &store).status == 400);
  HttpRequest query = testing::TokenPost(SaPost(""));
  query.query = "client_secret=leaked";
  HttpResponse response = HandleTokenRequest(query, *snapshot, kNow, &store);
  CHECK(response.status == 400);
  CHECK(nlohmann::json::parse(response.body)["error"] == "invalid_request");
}

TEST_CASE("a client the policy no longer lets use client_credentials is unauthorized_client") {
  v1::State state = testing::TestState();
  state.mutable_clients(0)->mutable_policy()->clear_allowed_grant_types();
  auto snapshot = Snapshot::Create(state);
  REQUIRE(snapshot.ok());
  HttpResponse response = HandleTokenRequest(testing::TokenPost(SaPost("")), **snapshot, kNow, &store);
  CHECK(response.status == 400);
  CHECK(nlohmann::json::parse(response.body)["error"] == "unauthorized_client");
}

}  // namespace nauthera
