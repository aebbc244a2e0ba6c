#include <catch2/catch.hpp>

#include "common/crypto/password_hash.h"
#include "controller/reconcilers/user_reconciler.h"

namespace nauthera::controller {
namespace {

ApiObject User(NautheraUserSpec spec) {
  ApiObject object;
  object.kind = Kind::kNautheraUser;
  object.meta.name = spec.username;
  object.spec = std::move(spec);
  return object;
}

NautheraUserSpec Alice() {
  NautheraUserSpec spec;
  spec.username = "alice";
  spec.groups = {"developers"};
  spec.password_secret_ref = SecretKeyRef{"alice-password", "nauthera-system", "password"};
  return spec;
}

}  // namespace

TEST_CASE("a user can sign in only with a real password hash behind passwordSecretRef") {
  SecretSpec good{{{"password", *HashPasswordArgon2id("alice-demo-password")}}};
  SecretSpec plain{{{"password", "alice-demo-password"}}};
  SecretSpec wrong_key{{{"hash", "$argon2id$..."}}};
  auto [secret_name, ready, reason, fragment] =
      GENERATE(table<std::string, bool, std::string, std::string>({
          {"good", true, "Ready", "can sign in as \"alice\"; groups developers"},
          {"plain", false, "NoPassword", "not an argon2id or bcrypt hash"},
          {"wrong-key", false, "NoPassword", "has no key \"password\""},
          {"missing", false, "NoPassword", "does not exist"},
      }));
  CAPTURE(secret_name);
  SecretLookup lookup = [&, name = secret_name](const std::string& ns,
                                                const std::string&) -> const SecretSpec* {
    CHECK(ns == "nauthera-system");
    if (name == "good") return &good;
    if (name == "plain") return &plain;
    if (name == "wrong-key") return &wrong_key;
    return nullptr;
  };
  UserOutcome outcome = ReconcileUser(User(Alice()), lookup);
  CHECK(outcome.status.ready == ready);
  CHECK(outcome.status.reason == reason);
  CHECK_THAT(outcome.status.message, Catch::Contains(fragment));
  CHECK(outcome.servable.password_hash.empty() == !ready);  // never a plain password
}

TEST_CASE("a disabled user is served as disabled and is not Ready") {
  NautheraUserSpec spec = Alice();
  spec.disabled = true;
  SecretSpec good{{{"password", *HashPasswordArgon2id("alice-demo-password")}}};
  UserOutcome outcome = ReconcileUser(
      User(spec), [&](const std::string&, const std::string&) -> const SecretSpec* { return &good; });
  CHECK_FALSE(outcome.status.ready);
  CHECK(outcome.status.reason == "Disabled");
  CHECK(outcome.servable.disabled);
}

TEST_CASE("a user's subject is stable, opaque and distinct") {
  CHECK(UserSubject("alice") == UserSubject("alice"));
  CHECK(UserSubject("alice") != UserSubject("bob"));
  CHECK(UserSubject("alice").size() == 43);
  CHECK(UserSubject("alice").find("alice") == std::string::npos);
}

}  // namespace nauthera::controller
