#include <catch2/catch.hpp>

#include <functional>

#include "nlohmann/json.hpp"
#include "tokenserver/endpoints/discovery_endpoint.h"
#include "tokenserver/endpoints/jwks_endpoint.h"
#include "tests/tokenserver/test_state.h"

namespace nauthera {

TEST_CASE("a consistent state becomes a snapshot with discovery and JWKS rendered") {
  auto snapshot = testing::TestSnapshot();
  CHECK(snapshot->issuer() == testing::kIssuer);
  CHECK(snapshot->client_count() == 3);
  auto discovery = nlohmann::json::parse(RenderDiscovery(*snapshot));
  CHECK(discovery["issuer"] == testing::kIssuer);
  CHECK(discovery["token_endpoint"] == std::string(testing::kIssuer) + "/oauth2/token");
  CHECK(discovery["jwks_uri"] == std::string(testing::kIssuer) + "/oauth2/jwks");
  CHECK(discovery["grant_types_supported"] ==
        nlohmann::json({"authorization_code", "refresh_token", "client_credentials"}));
  CHECK(discovery["code_challenge_methods_supported"] == nlohmann::json({"S256"}));
  CHECK(discovery["authorization_endpoint"] ==
        std::string(testing::kIssuer) + "/oauth2/authorize");
  auto jwks = nlohmann::json::parse(RenderJwks(*snapshot));
  REQUIRE(jwks["keys"].size() == 1);
  CHECK(jwks["keys"][0]["kid"] == snapshot->active_kid());
  CHECK(jwks["keys"][0]["alg"] == "RS256");
  CHECK_FALSE(jwks["keys"][0].contains("d"));  // never the private exponent
}

TEST_CASE("without a session key, discovery lists only client credentials") {
  v1::State state = testing::TestState();
  state.clear_session_key();
  auto snapshot = Snapshot::Create(state);
  REQUIRE(snapshot.ok());
  auto discovery = nlohmann::json::parse(RenderDiscovery(**snapshot));
  CHECK(discovery["grant_types_supported"] == nlohmann::json({"client_credentials"}));
  CHECK_FALSE(discovery.contains("authorization_endpoint"));
}

TEST_CASE("a snapshot renders each document once and serves the same text afterwards") {
  auto snapshot = testing::TestSnapshot();
  int calls = 0;
  static int* counter = nullptr;
  counter = &calls;
  auto render = [](const Snapshot& s) {
    ++*counter;
    return RenderJwks(s);
  };
  const std::string& first = snapshot->Rendered(Snapshot::Document::kJwks, +render);
  const std::string& second = snapshot->Rendered(Snapshot::Document::kJwks, +render);
  CHECK(calls == 1);
  CHECK(&first == &second);
  CHECK(first == RenderJwks(*snapshot));
  // Each document has its own slot: discovery is not the cached JWKS.
  CHECK(snapshot->Rendered(Snapshot::Document::kDiscovery, RenderDiscovery) ==
        RenderDiscovery(*snapshot));
  CHECK(calls == 1);
}

TEST_CASE("inconsistent states are refused with the reason (the token server NACKs them)") {
  using Mutation = std::function<void(v1::State*)>;
  auto [name, mutate, fragment] = GENERATE(table<std::string, Mutation, std::string>({
      {"no version", [](v1::State* s) { s->clear_version(); }, "version"},
      {"non-loopback http issuer",
       [](v1::State* s) { s->mutable_issuer()->set_issuer_url("http://auth.example.com"); },
       "https"},
      {"no active key",
       [](v1::State* s) { s->mutable_signing_keys(0)->set_phase(v1::SigningKey::RETIRED); },
       "no ACTIVE"},
      {"kid not the thumbprint", [](v1::State* s) { s->mutable_signing_keys(0)->set_kid("x"); },
       "thumbprint"},
      {"broken key PEM",
       [](v1::State* s) { s->mutable_signing_keys(0)->set_private_key_pem("garbage"); },
       "PEM"},
      {"unsupported alg", [](v1::State* s) { s->mutable_signing_keys(0)->set_algorithm("HS256"); },
       "algorithm"},
      {"two active keys", [](v1::State* s) { *s->add_signing_keys() = s->signing_keys(0); },
       "twice"},
      {"duplicate client id",
       [](v1::State* s) { s->mutable_clients(1)->set_client_id(s->clients(0).client_id()); },
       "appears twice"},
      {"confidential client without hash",
       [](v1::State* s) { s->mutable_clients(0)->clear_secret_hash(); }, "secret hash"},
      {"no token lifetime",
       [](v1::State* s) { s->mutable_clients(0)->mutable_policy()->clear_access_token_ttl_seconds(); },
       "TTL"},
  }));
  CAPTURE(name);
  v1::State state = testing::TestState();
  mutate(&state);
  auto snapshot = Snapshot::Create(state);
  REQUIRE_FALSE(snapshot.ok());
  CHECK_THAT(std::string(snapshot.status().message()), Catch::Contains(fragment));
}

}  // namespace nauthera
