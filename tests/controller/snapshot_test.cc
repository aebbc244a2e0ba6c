#include <catch2/catch.hpp>

#include "common/crypto/hashing.h"
#include "controller/keys/key_ring.h"
#include "controller/snapshot/secret_hash.h"
#include "controller/snapshot/state_builder.h"
#include "controller/snapshot/state_versioner.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;

// RSA key generation is slow: one key for every test in this file.
const std::vector<SigningKey>& Keys() {
  static const std::vector<SigningKey>* keys = [] {
    testing::TempDir dir;
    auto ring = KeyRing::LoadOrCreate(dir.Path("k.yaml"), 100);
    return new std::vector<SigningKey>((*ring)->keys());
  }();
  return *keys;
}

const std::string& SessionKey() {
  static const std::string* key = new std::string(32, 's');
  return *key;
}

ServableClient Deployer() {
  ServableClient c;
  c.kind = Kind::kServiceAccount;
  c.ns = "ci-cd";
  c.name = "ci-deployer";
  c.display_name = "CI Deployer";
  c.credentials = Credentials{"0123456789abcdef0123456789abcdef", std::string(43, 'x')};
  c.registered_scopes = {"openid", "email", "groups"};
  c.grant_types = {"client_credentials"};
  c.auth_methods = {"client_secret_basic", "client_secret_post"};
  c.email = "ci-deployer@ci-cd.svc";
  c.groups = {"ci"};
  PolicySpec spec;
  spec.allowed_scopes = StringList{"openid", "email"};
  spec.audiences = StringList{"kubernetes"};
  c.policy = CombinePolicies({PolicyRef{ObjectKey{Kind::kAuthPolicy, "ci-cd", "p"}, &spec}});
  return c;
}

ServableClient Kubectl() {
  ServableClient c;
  c.kind = Kind::kOidcClient;
  c.ns = "nauthera-system";
  c.name = "kubectl";
  c.credentials = Credentials{"fedcba9876543210fedcba9876543210", std::nullopt};
  c.registered_scopes = {"openid", "groups"};
  c.grant_types = {"authorization_code"};
  c.auth_methods = {"none"};
  c.redirect_uris = {"http://localhost:8000"};
  c.pkce_required = true;
  c.consent = "skip";
  PolicySpec spec;
  c.policy =
      CombinePolicies({PolicyRef{ObjectKey{Kind::kClusterAuthPolicy, "", "default"}, &spec}});
  return c;
}

const IssuerSettings kIssuer{"http://127.0.0.1:8080", 60};

TEST_CASE("the state holds issuer, keys and clients with hashed secrets", "[snapshot]") {
  pb::State state = BuildState(kIssuer, StateKeys{Keys(), SessionKey()}, {Kubectl(), Deployer()}, {});
  REQUIRE(CheckStateConsistency(state).ok());
  CHECK(state.issuer().issuer_url() == "http://127.0.0.1:8080");
  CHECK(state.issuer().jwks_max_age_seconds() == 60);
  CHECK(state.session_key() == SessionKey());
  REQUIRE(state.signing_keys_size() == 1);
  CHECK(state.signing_keys(0).phase() == pb::SigningKey::ACTIVE);
  CHECK(state.signing_keys(0).algorithm() == "RS256");
  REQUIRE(state.clients_size() == 2);
  const pb::Client& sa = state.clients(0);  // sorted by namespace: ci-cd first
  CHECK(sa.name() == "ci-deployer");
  CHECK(sa.kind() == pb::Client::SERVICE_ACCOUNT);
  CHECK(sa.email() == "ci-deployer@ci-cd.svc");
  CHECK(sa.policy().allowed_scopes_size() == 2);
  CHECK(sa.policy().audiences(0) == "kubernetes");
  CHECK(sa.policy().governed_by(0) == "AuthPolicy/ci-cd/p");
  // The token server's check: HMAC-SHA-256(salt, presented secret) == digest.
  std::string salt =
      Sha256("nauthera/v1/secret-salt:0123456789abcdef0123456789abcdef").substr(0, 16);
  CHECK(sa.secret_hash().salt() == salt);
  CHECK(sa.secret_hash().digest() == HmacSha256(salt, std::string(43, 'x')));
  CHECK(state.SerializeAsString().find(std::string(43, 'x')) == std::string::npos);

  const pb::Client& pub = state.clients(1);
  CHECK_FALSE(pub.has_secret_hash());
  CHECK(pub.pkce_required());
  CHECK(pub.consent() == pb::Client::CONSENT_SKIP);       // spec.consent: skip
  CHECK(sa.consent() == pb::Client::CONSENT_REQUIRED);    // the default
  // No policy constrains its lists: allowed = what it registered.
  CHECK(std::vector<std::string>(pub.policy().allowed_scopes().begin(),
                                 pub.policy().allowed_scopes().end()) ==
        StringList{"openid", "groups"});
  CHECK(pub.policy().allowed_auth_methods(0) == "none");
  CHECK(pub.policy().scope_claims().at("email").claims_size() == 2);
}

TEST_CASE("the version moves only when the content does", "[snapshot]") {
  StateVersioner versioner;
  pb::State a = BuildState(kIssuer, StateKeys{Keys(), SessionKey()}, {Deployer(), Kubectl()}, {});
  REQUIRE(versioner.Stamp(a, 1));
  std::string first = a.version();
  CHECK(first.rfind("1-", 0) == 0);
  CHECK(first.size() == 2 + 12);

  // The same clients in another order.
  pb::State same = BuildState(kIssuer, StateKeys{Keys(), SessionKey()}, {Kubectl(), Deployer()}, {});
  CHECK_FALSE(versioner.Stamp(same, 2));
  CHECK(same.version() == first);

  ServableClient narrowed = Deployer();
  narrowed.policy.allowed_scopes = StringList{"openid"};
  pb::State changed = BuildState(kIssuer, StateKeys{Keys(), SessionKey()}, {narrowed, Kubectl()}, {});
  CHECK(versioner.Stamp(changed, 3));
  CHECK(changed.version().rfind("2-", 0) == 0);
  CHECK(StateContentHash(changed) != StateContentHash(a));
}

TEST_CASE("an inconsistent state is never sent", "[snapshot]") {
  auto [name, mutate, want] =
      GENERATE(table<std::string, std::function<void(pb::State&)>, std::string>({
          {"no ACTIVE key", [](pb::State& s) { s.clear_signing_keys(); }, "0 ACTIVE"},
          {"two ACTIVE keys",
           [](pb::State& s) { *s.add_signing_keys() = s.signing_keys(0); }, "2 ACTIVE"},
          {"key that does not parse",
           [](pb::State& s) { s.mutable_signing_keys(0)->set_private_key_pem("junk"); },
           "does not parse"},
          {"kid that is not the thumbprint",
           [](pb::State& s) { s.mutable_signing_keys(0)->set_kid("k1"); }, "thumbprint"},
          {"duplicate client id",
           [](pb::State& s) {
             s.mutable_clients(1)->set_client_id(s.clients(0).client_id());
           },
           "used twice"},
          {"confidential client without secret hash",
           [](pb::State& s) { s.mutable_clients(0)->clear_secret_hash(); },
           "without a secret hash"},
          {"short session key", [](pb::State& s) { s.set_session_key("short"); },
           "session key"},
          {"plain http issuer off loopback",
           [](pb::State& s) { s.mutable_issuer()->set_issuer_url("http://auth.example.com"); },
           "https"},
      }));
  CAPTURE(name);
  pb::State state = BuildState(kIssuer, StateKeys{Keys(), SessionKey()}, {Deployer(), Kubectl()}, {});
  mutate(state);
  absl::Status status = CheckStateConsistency(state);
  CAPTURE(status.message());
  CHECK(std::string(status.message()).find(want) != std::string::npos);
}

}  // namespace
}  // namespace nauthera::controller
