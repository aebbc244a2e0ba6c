#include "controller/keys/signing_key.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace nauthera::controller {

absl::string_view KeyPhaseName(KeyPhase phase) {
  switch (phase) {
    case KeyPhase::kPublished:
      return "PUBLISHED";
    case KeyPhase::kActive:
      return "ACTIVE";
    case KeyPhase::kRetired:
      return "RETIRED";
  }
  return "UNKNOWN";
}

std::optional<KeyPhase> KeyPhaseFromName(absl::string_view name) {
  for (KeyPhase phase : {KeyPhase::kPublished, KeyPhase::kActive, KeyPhase::kRetired}) {
    if (KeyPhaseName(phase) == name) return phase;
  }
  return std::nullopt;
}

std::string EncodeKeySet(const std::vector<SigningKey>& keys) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SigningKey& key : keys) {
    nlohmann::ordered_json item = {{"kid", key.kid},
                                   {"alg", key.algorithm},
                                   {"phase", std::string(KeyPhaseName(key.phase))},
                                   {"created_at", key.created_at}};
    if (key.activated_at) item["activated_at"] = key.activated_at;
    if (key.retired_at) item["retired_at"] = key.retired_at;
    if (key.remove_after) item["remove_after"] = key.remove_after;
    if (key.max_token_ttl) item["max_token_ttl"] = key.max_token_ttl;
    item["private_key_pem"] = key.private_key_pem;
    list.push_back(std::move(item));
  }
  return list.dump(2);
}

absl::StatusOr<std::vector<SigningKey>> DecodeKeySet(absl::string_view json) {
  nlohmann::json list = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) return absl::DataLossError("keys.json is not a JSON list");
  std::vector<SigningKey> keys;
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& item = list[i];
    auto bad = [&](absl::string_view why) {
      return absl::DataLossError(absl::StrCat("keys.json item ", i, ": ", why));
    };
    if (!item.is_object() || !item.value("kid", nlohmann::json()).is_string() ||
        (item.contains("alg") && !item["alg"].is_string()) ||
        !item.value("phase", nlohmann::json()).is_string() ||
        !item.value("created_at", nlohmann::json()).is_number_integer() ||
        !item.value("private_key_pem", nlohmann::json()).is_string()) {
      return bad("needs kid, phase, created_at and private_key_pem (and alg a string)");
    }
    SigningKey key;
    key.kid = item["kid"].get<std::string>();
    // Key sets from before ES256 have no alg: they were all RS256.
    key.algorithm = item.contains("alg") ? item["alg"].get<std::string>() : "RS256";
    std::optional<KeyPhase> phase = KeyPhaseFromName(item["phase"].get<std::string>());
    if (!phase) return bad("phase must be PUBLISHED, ACTIVE or RETIRED");
    key.phase = *phase;
    key.created_at = item["created_at"].get<int64_t>();
    for (auto [field, target] : {std::pair{"activated_at", &key.activated_at},
                                 std::pair{"retired_at", &key.retired_at},
                                 std::pair{"remove_after", &key.remove_after},
                                 std::pair{"max_token_ttl", &key.max_token_ttl}}) {
      if (!item.contains(field)) continue;
      if (!item[field].is_number_integer()) return bad(absl::StrCat(field, " must be an integer"));
      *target = item[field].get<int64_t>();
    }
    key.private_key_pem = item["private_key_pem"].get<std::string>();
    absl::StatusOr<std::unique_ptr<JwsKey>> parsed =
        JwsKeyFromPrivatePem(key.algorithm, key.private_key_pem);
    if (!parsed.ok()) return bad(absl::StrCat("private key: ", parsed.status().message()));
    key.key = std::shared_ptr<const JwsKey>(*std::move(parsed));
    keys.push_back(std::move(key));
  }
  absl::Status check = CheckKeySet(keys);
  if (!check.ok()) return absl::DataLossError(check.message());
  return keys;
}

absl::Status CheckKeySet(const std::vector<SigningKey>& keys) {
  int active = 0;
  std::set<std::string> kids;
  for (const SigningKey& key : keys) {
    if (!kids.insert(key.kid).second) {
      return absl::FailedPreconditionError(absl::StrCat("key ", key.kid, " appears twice"));
    }
    if (key.key == nullptr) return absl::FailedPreconditionError("a key is not parsed");
    if (!IsSupportedJwsAlgorithm(key.algorithm) || key.key->Algorithm() != key.algorithm) {
      return absl::FailedPreconditionError(
          absl::StrCat("key ", key.kid, ": alg ", key.algorithm,
                       " is not supported (RS256, ES256) or not the key's"));
    }
    if (key.kid != key.key->Thumbprint()) {
      return absl::FailedPreconditionError(
          absl::StrCat("key ", key.kid, ": kid is not the key's RFC 7638 thumbprint"));
    }
    if (key.phase == KeyPhase::kActive) ++active;
  }
  if (active != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("exactly one signing key must be ACTIVE, found ", active));
  }
  return absl::OkStatus();
}

}  // namespace nauthera::controller
