#include "tests/tokenserver/router_flow.h"

#include <stdexcept>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"
#include "common/util/url.h"
#include "tests/tokenserver/test_state.h"

namespace nauthera::testing {

ClientCredentials Kubectl() { return {kPublicId, "", false}; }
ClientCredentials Dashboard() { return {kWebId, kWebSecret, true}; }

v1::State DashboardIntrospects(v1::State state) {
  for (v1::Client& client : *state.mutable_clients()) {
    if (client.client_id() != kWebId) client.mutable_policy()->add_audiences(kWebId);
  }
  return state;
}

RouterFlow::RouterFlow(v1::State state, OneTimeStore* store)
    : now_(kNow), store_(store != nullptr ? store : &memory_) {
  SetState(state);
  router_ = std::make_unique<Router>(&holder_, store_, &limiter_, [this] { return now_; });
}

void RouterFlow::SetState(const v1::State& state) {
  state_ = state;
  auto snapshot = Snapshot::Create(state_);
  if (!snapshot.ok()) throw std::runtime_error(std::string(snapshot.status().message()));
  holder_.Set(*snapshot);
}

HttpResponse RouterFlow::Send(HttpRequest request) {
  request.remote_address = "127.0.0.1";
  return router_->Handle(request);
}

HttpResponse RouterFlow::Get(const std::string& path, const std::string& query) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.query = query;
  return Send(request);
}

HttpResponse RouterFlow::Post(const std::string& path, const std::string& body,
                              const ClientCredentials& client) {
  std::string form = body;
  HttpRequest request;
  if (client.basic) {
    request.headers.emplace_back(
        "authorization", "Basic " + Base64Encode(FormUrlEncode(client.client_id) + ":" +
                                                 FormUrlEncode(client.secret)));
  } else if (!client.client_id.empty()) {
    absl::StrAppend(&form, "&client_id=", FormUrlEncode(client.client_id));
    if (!client.secret.empty()) absl::StrAppend(&form, "&client_secret=", client.secret);
  }
  HttpRequest post = TokenPost(form);
  post.path = path;
  for (auto& header : request.headers) post.headers.push_back(header);
  return Send(post);
}

std::string RouterFlow::IssueCode(const std::string& client_id, const std::string& redirect_uri) {
  std::string code = absl::StrCat("code-", ++codes_, "-abcdefghijklmnopqrstuvwxyz0123456789");
  CodeGrant grant{client_id, redirect_uri, Base64UrlEncode(Sha256(kVerifier)), "nonce-1",
                  "subject-of-alice", {"openid", "email"}, now_, now_ + 60};
  REQUIRE(store_->PutCode(Sha256(code), grant).ok());
  return code;
}

HttpResponse RouterFlow::Exchange(const std::string& code, const std::string& redirect_uri,
                                  const ClientCredentials& client) {
  return Post("/oauth2/token",
              absl::StrCat("grant_type=authorization_code&code=", code,
                           "&redirect_uri=", FormUrlEncode(redirect_uri),
                           "&code_verifier=", kVerifier),
              client);
}

HttpResponse RouterFlow::Refresh(const std::string& refresh_token,
                                 const ClientCredentials& client) {
  return Post("/oauth2/token",
              absl::StrCat("grant_type=refresh_token&refresh_token=", refresh_token), client);
}

HttpResponse RouterFlow::Userinfo(const std::string& access_token) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/oauth2/userinfo";
  request.headers.emplace_back("authorization", "Bearer " + access_token);
  return Send(request);
}

bool RouterFlow::IntrospectActive(const std::string& token) {
  HttpResponse response =
      Post("/oauth2/introspect", "token=" + FormUrlEncode(token), Dashboard());
  REQUIRE(response.status == 200);
  return JsonOf(response).value("active", false);
}

nlohmann::json JsonOf(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

std::string ErrorOf(const HttpResponse& response) {
  nlohmann::json body = JsonOf(response);
  return body.is_object() ? body.value("error", "") : "";
}

}  // namespace nauthera::testing
