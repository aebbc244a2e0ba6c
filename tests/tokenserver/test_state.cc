#include "tests/tokenserver/test_state.h"

#include <stdexcept>

#include "common/crypto/hashing.h"
#include "common/crypto/password_hash.h"
#include "common/crypto/rsa_key.h"

namespace nauthera::testing {
namespace {

void FillPolicy(v1::EffectivePolicy* policy) {
  for (const char* scope : {"openid", "profile", "email", "groups", "offline_access"}) {
    policy->add_allowed_scopes(scope);
  }
  for (const char* grant : {"authorization_code", "refresh_token", "client_credentials"}) {
    policy->add_allowed_grant_types(grant);
  }
  for (const char* method : {"none", "client_secret_basic", "client_secret_post"}) {
    policy->add_allowed_auth_methods(method);
  }
  policy->set_access_token_ttl_seconds(600);
  policy->set_id_token_ttl_seconds(900);
  policy->set_refresh_token_ttl_seconds(86400);
  policy->add_governed_by("ClusterAuthPolicy/default");
}

}  // namespace

const std::string& TestKeyPem() {
  static const std::string pem = [] {
    auto key = RsaKey::Generate(2048);
    if (!key.ok()) throw std::runtime_error("key generation failed");
    return (*key)->PrivatePem();
  }();
  return pem;
}

const std::string& UserPasswordHash() {
  static const std::string hash = [] {
    auto made = HashPasswordArgon2id(kUserPassword);
    if (!made.ok()) throw std::runtime_error("hashing failed");
    return *made;
  }();
  return hash;
}

v1::State TestState() {
  v1::State state;
  state.set_version("1-test");
  state.mutable_issuer()->set_issuer_url(kIssuer);
  state.mutable_issuer()->set_jwks_max_age_seconds(60);
  v1::SigningKey* key = state.add_signing_keys();
  key->set_kid((*RsaKey::FromPrivatePem(TestKeyPem()))->Thumbprint());
  key->set_algorithm("RS256");
  key->set_private_key_pem(TestKeyPem());
  key->set_phase(v1::SigningKey::ACTIVE);

  v1::Client* sa = state.add_clients();
  sa->set_client_id(kSaId);
  sa->set_kind(v1::Client::SERVICE_ACCOUNT);
  sa->set_namespace_("ci-cd");
  sa->set_name("ci-deployer");
  sa->set_display_name("CI Deployer");
  sa->mutable_secret_hash()->set_salt("salt-for-ci-deployer");
  sa->mutable_secret_hash()->set_digest(HmacSha256("salt-for-ci-deployer", kSaSecret));
  for (const char* scope : {"openid", "email", "groups"}) sa->add_registered_scopes(scope);
  sa->add_grant_types("client_credentials");
  sa->add_auth_methods("client_secret_basic");
  sa->add_auth_methods("client_secret_post");
  sa->set_email("ci-deployer@ci-cd.svc");
  sa->add_groups("ci");
  FillPolicy(sa->mutable_policy());

  v1::Client* pub = state.add_clients();
  pub->set_client_id(kPublicId);
  pub->set_kind(v1::Client::OIDC_CLIENT);
  pub->set_namespace_("nauthera-system");
  pub->set_name("kubectl");
  for (const char* scope : {"openid", "profile", "email", "groups"}) {
    pub->add_registered_scopes(scope);
  }
  pub->add_grant_types("authorization_code");
  pub->add_grant_types("refresh_token");
  pub->add_auth_methods("none");
  pub->add_redirect_uris("http://localhost:8000");
  pub->set_pkce_required(true);
  pub->add_post_logout_redirect_uris("http://localhost:8000/signed-out");
  pub->set_display_name("kubectl");
  pub->set_consent(v1::Client::CONSENT_SKIP);  // first-party, as the quickstart's kubectl
  FillPolicy(pub->mutable_policy());

  v1::Client* web = state.add_clients();
  web->set_client_id(kWebId);
  web->set_kind(v1::Client::OIDC_CLIENT);
  web->set_namespace_("apps");
  web->set_name("dashboard");
  web->mutable_secret_hash()->set_salt("salt-for-dashboard");
  web->mutable_secret_hash()->set_digest(HmacSha256("salt-for-dashboard", kWebSecret));
  for (const char* scope : {"openid", "email"}) web->add_registered_scopes(scope);
  web->add_grant_types("authorization_code");
  web->add_auth_methods("client_secret_basic");
  web->add_redirect_uris("https://dashboard.example.com/callback");
  web->add_redirect_uris("http://127.0.0.1/callback");
  FillPolicy(web->mutable_policy());

  state.set_session_key(std::string(32, 'k'));
  for (const char* name : {"alice", "bob", "carol"}) {
    v1::User* user = state.add_users();
    user->set_username(name);
    user->set_subject(std::string("subject-of-") + name);
    user->set_email(std::string(name) + "@example.com");
    user->set_display_name(std::string(name) + " Example");
    user->add_groups(std::string(name) == "alice" ? "developers" : "viewers");
    user->set_password_hash(UserPasswordHash());
    user->set_disabled(std::string(name) == "carol");
  }
  return state;
}

std::shared_ptr<const Snapshot> TestSnapshot() {
  auto snapshot = Snapshot::Create(TestState());
  if (!snapshot.ok()) throw std::runtime_error(std::string(snapshot.status().message()));
  return *snapshot;
}

HttpRequest TokenPost(const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/oauth2/token";
  request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  request.body = body;
  return request;
}

}  // namespace nauthera::testing
