#include "controller/snapshot/state_builder.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/crypto/jws_key.h"
#include "common/util/url.h"
#include "controller/api/well_known.h"
#include "controller/snapshot/secret_hash.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;

void Fill(google::protobuf::RepeatedPtrField<std::string>* out, const StringList& values) {
  out->Clear();
  for (const std::string& value : values) out->Add(std::string(value));
}

pb::SigningKey::Phase ToProto(KeyPhase phase) {
  switch (phase) {
    case KeyPhase::kPublished:
      return pb::SigningKey::PUBLISHED;
    case KeyPhase::kActive:
      return pb::SigningKey::ACTIVE;
    case KeyPhase::kRetired:
      return pb::SigningKey::RETIRED;
  }
  return pb::SigningKey::PHASE_UNSPECIFIED;
}

// A list no policy constrains allows whatever the client registered: the proto has no
// "unconstrained", and registered ∩ allowed is then exactly the registration.
void FillPolicy(const ServableClient& client, pb::EffectivePolicy* out) {
  const EffectivePolicy& policy = client.policy;
  Fill(out->mutable_allowed_scopes(), policy.allowed_scopes.value_or(client.registered_scopes));
  Fill(out->mutable_allowed_grant_types(),
       policy.allowed_grant_types.value_or(client.grant_types));
  Fill(out->mutable_allowed_auth_methods(),
       policy.allowed_auth_methods.value_or(client.auth_methods));
  out->set_require_pkce(policy.require_pkce);
  out->set_access_token_ttl_seconds(policy.access_token_ttl_seconds);
  out->set_id_token_ttl_seconds(policy.id_token_ttl_seconds);
  out->set_refresh_token_ttl_seconds(policy.refresh_token_ttl_seconds);
  Fill(out->mutable_audiences(), policy.audiences);
  Fill(out->mutable_governed_by(), policy.governed_by);
  for (const auto& [scope, claims] : policy.scope_claims) {
    Fill((*out->mutable_scope_claims())[scope].mutable_claims(), claims);
  }
}

// OidcClient spec.consent as the State carries it; anything else asks (the safe side).
pb::Client::Consent ConsentOf(const std::string& mode) {
  if (mode == kConsentSkip) return pb::Client::CONSENT_SKIP;
  if (mode == kConsentSkipAll) return pb::Client::CONSENT_SKIP_ALL;
  return pb::Client::CONSENT_REQUIRED;
}

void FillClient(const ServableClient& client, pb::Client* out) {
  out->set_client_id(client.credentials.client_id);
  out->set_kind(client.kind == Kind::kServiceAccount ? pb::Client::SERVICE_ACCOUNT
                                                     : pb::Client::OIDC_CLIENT);
  out->set_namespace_(client.ns);
  out->set_name(client.name);
  out->set_display_name(client.display_name);
  bool is_public = client.auth_methods.size() == 1 && client.auth_methods[0] == "none";
  if (!is_public && client.credentials.client_secret) {
    *out->mutable_secret_hash() =
        HashClientSecret(client.credentials.client_id, *client.credentials.client_secret);
  }
  Fill(out->mutable_registered_scopes(), client.registered_scopes);
  Fill(out->mutable_grant_types(), client.grant_types);
  Fill(out->mutable_auth_methods(), client.auth_methods);
  Fill(out->mutable_redirect_uris(), client.redirect_uris);
  Fill(out->mutable_post_logout_redirect_uris(), client.post_logout_redirect_uris);
  out->set_pkce_required(client.pkce_required);
  out->set_consent(ConsentOf(client.consent));
  out->set_email(client.email);
  Fill(out->mutable_groups(), client.groups);
  FillPolicy(client, out->mutable_policy());
}

void FillUser(const ServableUser& user, pb::User* out) {
  out->set_username(user.username);
  out->set_subject(UserSubject(user.username));
  out->set_email(user.email);
  out->set_display_name(user.display_name);
  Fill(out->mutable_groups(), user.groups);
  out->set_password_hash(user.password_hash);
  out->set_disabled(user.disabled);
  out->set_source(user.ref);
  out->mutable_profile_claims()->insert(user.profile_claims.begin(), user.profile_claims.end());
}

}  // namespace

pb::State BuildState(const IssuerSettings& issuer, const StateKeys& state_keys,
                     const std::vector<ServableClient>& clients,
                     const std::vector<ServableUser>& users) {
  const std::vector<SigningKey>& keys = state_keys.signing_keys;
  pb::State state;
  state.set_session_key(state_keys.session_key);
  state.mutable_issuer()->set_issuer_url(issuer.issuer_url);
  state.mutable_issuer()->set_jwks_max_age_seconds(issuer.jwks_max_age_seconds);
  std::vector<const SigningKey*> sorted_keys;
  for (const SigningKey& key : keys) sorted_keys.push_back(&key);
  std::sort(sorted_keys.begin(), sorted_keys.end(), [](const SigningKey* a, const SigningKey* b) {
    return std::tie(a->created_at, a->kid) < std::tie(b->created_at, b->kid);
  });
  for (const SigningKey* key : sorted_keys) {
    pb::SigningKey* out = state.add_signing_keys();
    out->set_kid(key->kid);
    out->set_algorithm(key->algorithm);
    out->set_private_key_pem(key->private_key_pem);
    out->set_phase(ToProto(key->phase));
    out->set_created_at(key->created_at);
  }
  std::vector<const ServableClient*> sorted;
  for (const ServableClient& client : clients) sorted.push_back(&client);
  std::sort(sorted.begin(), sorted.end(), [](const ServableClient* a, const ServableClient* b) {
    return std::tie(a->ns, a->name, a->kind) < std::tie(b->ns, b->name, b->kind);
  });
  for (const ServableClient* client : sorted) FillClient(*client, state.add_clients());
  std::vector<const ServableUser*> sorted_users;
  for (const ServableUser& user : users) sorted_users.push_back(&user);
  std::sort(sorted_users.begin(), sorted_users.end(),
            [](const ServableUser* a, const ServableUser* b) { return a->username < b->username; });
  for (const ServableUser* user : sorted_users) FillUser(*user, state.add_users());
  return state;
}

absl::Status CheckStateConsistency(const pb::State& state) {
  auto inconsistent = [](absl::string_view why) {
    return absl::FailedPreconditionError(absl::StrCat("inconsistent state: ", why));
  };
  absl::Status issuer = ValidateIssuerUrl(state.issuer().issuer_url());
  if (!issuer.ok()) return inconsistent(issuer.message());
  int active = 0;
  for (const pb::SigningKey& key : state.signing_keys()) {
    if (key.phase() != pb::SigningKey::ACTIVE) continue;
    ++active;
    absl::StatusOr<std::unique_ptr<JwsKey>> parsed =
        JwsKeyFromPrivatePem(key.algorithm(), key.private_key_pem());
    if (!parsed.ok()) {
      return inconsistent(absl::StrCat("the ACTIVE key ", key.kid(), " does not parse"));
    }
    if ((*parsed)->Thumbprint() != key.kid()) {
      return inconsistent(
          absl::StrCat("the ACTIVE key's kid ", key.kid(), " is not its thumbprint"));
    }
  }
  if (active != 1) return inconsistent(absl::StrCat(active, " ACTIVE signing keys (need 1)"));
  if (!state.session_key().empty() && state.session_key().size() < 32) {
    return inconsistent("the session key is shorter than 32 bytes");
  }
  std::set<std::string> ids;
  for (const pb::Client& client : state.clients()) {
    std::string who = absl::StrCat(client.namespace_(), "/", client.name());
    if (client.client_id().empty()) return inconsistent(absl::StrCat(who, " has no client_id"));
    if (!ids.insert(client.client_id()).second) {
      return inconsistent(absl::StrCat("client_id of ", who, " is used twice"));
    }
    if (client.auth_methods().empty()) {
      return inconsistent(absl::StrCat(who, " has no auth method"));
    }
    bool is_public = client.auth_methods_size() == 1 && client.auth_methods(0) == "none";
    if (is_public == client.has_secret_hash()) {
      return inconsistent(absl::StrCat(who, is_public ? " is public but has a secret hash"
                                                      : " is confidential without a secret hash"));
    }
  }
  std::set<std::string> usernames;
  for (const pb::User& user : state.users()) {
    if (user.username().empty() || !usernames.insert(user.username()).second) {
      return inconsistent(absl::StrCat("username \"", user.username(), "\" is empty or twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace nauthera::controller
