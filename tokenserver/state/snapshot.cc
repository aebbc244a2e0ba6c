#include "tokenserver/state/snapshot.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "common/util/url.h"

namespace nauthera {
namespace {

constexpr size_t kHmacSha256Size = 32;

absl::Status CheckClient(const v1::Client& client) {
  auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("client ", client.namespace_(), "/", client.name(), ": ", why));
  };
  if (client.client_id().empty()) return fail("empty client_id");
  if (client.kind() == v1::Client::KIND_UNSPECIFIED) return fail("kind not set");
  if (client.auth_methods().empty()) return fail("no authentication method");
  bool is_public = client.auth_methods_size() == 1 && client.auth_methods(0) == "none";
  if (!is_public && (client.secret_hash().digest().size() != kHmacSha256Size ||
                     client.secret_hash().salt().empty())) {
    return fail("confidential client without a valid secret hash");
  }
  if (client.policy().access_token_ttl_seconds() <= 0) return fail("access token TTL not set");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Create(v1::State state) {
  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->state_ = std::move(state);
  if (snapshot->state_.version().empty()) return absl::InvalidArgumentError("state has no version");
  RETURN_IF_ERROR(ValidateIssuerUrl(snapshot->issuer()));
  if (snapshot->jwks_max_age_seconds() < 0) {
    return absl::InvalidArgumentError("negative JWKS max-age");
  }
  RETURN_IF_ERROR(snapshot->CheckAndPrepareKeys());
  RETURN_IF_ERROR(snapshot->CheckAndIndexClients());
  RETURN_IF_ERROR(snapshot->CheckAndIndexUsers());
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

const std::string& Snapshot::Rendered(Document document,
                                      std::string (*render)(const Snapshot&)) const {
  RenderedDocument& slot = rendered_[static_cast<size_t>(document)];
  absl::call_once(slot.once, [&] { slot.text = render(*this); });
  return slot.text;
}

absl::Status Snapshot::CheckAndPrepareKeys() {
  for (const v1::SigningKey& key : state_.signing_keys()) {
    // RFC 7518 §3.3 RS256 and §3.4 ES256; anything else (none, HS*) is never accepted.
    if (!IsSupportedJwsAlgorithm(key.algorithm())) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", key.kid(), ": unsupported algorithm \"", key.algorithm(), "\""));
    }
    auto parsed = JwsKeyFromPrivatePem(key.algorithm(), key.private_key_pem());
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", key.kid(), ": ", parsed.status().message()));
    }
    // The kid is the RFC 7638 thumbprint: a mismatch means a corrupted or forged key entry.
    if ((*parsed)->Thumbprint() != key.kid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", key.kid(), ": kid is not the key's RFC 7638 thumbprint"));
    }
    for (const PublishedKey& seen : keys_) {
      if (seen.kid == key.kid()) {
        return absl::InvalidArgumentError(absl::StrCat("key ", key.kid(), " appears twice"));
      }
    }
    std::shared_ptr<const JwsKey> shared(std::move(*parsed));
    if (key.phase() == v1::SigningKey::ACTIVE) {
      if (active_key_) return absl::InvalidArgumentError("more than one ACTIVE signing key");
      active_key_ = shared;
      active_kid_ = key.kid();
    } else if (key.phase() == v1::SigningKey::PHASE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("key ", key.kid(), ": phase not set"));
    }
    keys_.push_back(PublishedKey{key.kid(), std::move(shared), key.phase()});
  }
  if (!active_key_) return absl::InvalidArgumentError("no ACTIVE signing key");
  return absl::OkStatus();
}

absl::Status Snapshot::CheckAndIndexClients() {
  for (const v1::Client& client : state_.clients()) {
    RETURN_IF_ERROR(CheckClient(client));
    if (!clients_.emplace(client.client_id(), &client).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("client_id ", client.client_id(), " appears twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status Snapshot::CheckAndIndexUsers() {
  if (!state_.session_key().empty() && state_.session_key().size() < 32) {
    return absl::InvalidArgumentError("session key shorter than 32 bytes");
  }
  for (const v1::User& user : state_.users()) {
    if (user.username().empty() || user.subject().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("user ", user.source(), ": username and subject are required"));
    }
    if (!users_by_name_.emplace(user.username(), &user).second ||
        !users_by_subject_.emplace(user.subject(), &user).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("user ", user.username(), " appears twice"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> Snapshot::published_algorithms() const {
  std::vector<std::string> algorithms;
  for (const PublishedKey& published : keys_) {
    std::string alg(published.key->Algorithm());
    if (std::find(algorithms.begin(), algorithms.end(), alg) == algorithms.end()) {
      algorithms.push_back(std::move(alg));
    }
  }
  std::sort(algorithms.begin(), algorithms.end());
  return algorithms;
}

const v1::User* Snapshot::FindUserByUsername(absl::string_view username) const {
  auto it = users_by_name_.find(username);
  return it == users_by_name_.end() ? nullptr : it->second;
}

const v1::User* Snapshot::FindUserBySubject(absl::string_view subject) const {
  auto it = users_by_subject_.find(subject);
  return it == users_by_subject_.end() ? nullptr : it->second;
}

const v1::Client* Snapshot::FindClient(absl::string_view client_id) const {
  auto it = clients_.find(client_id);
  return it == clients_.end() ? nullptr : it->second;
}

}  // namespace nauthera
