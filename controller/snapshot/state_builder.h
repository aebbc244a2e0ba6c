// Builds the complete State (proto/nauthera/v1/state.proto) the token servers receive:
// issuer settings, signing keys, and every servable client with its effective policy. The
// State is a pure function of its inputs (sorted, secrets hashed with derived salts), so equal
// inputs give byte-equal States and the version changes only when content does.
#ifndef NAUTHERA_CONTROLLER_SNAPSHOT_STATE_BUILDER_H_
#define NAUTHERA_CONTROLLER_SNAPSHOT_STATE_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "controller/keys/signing_key.h"
#include "controller/reconcilers/user_reconciler.h"
#include "controller/reconcilers/servable_client.h"
#include "nauthera/v1/state.pb.h"

namespace nauthera::controller {

struct IssuerSettings {
  std::string issuer_url;
  int64_t jwks_max_age_seconds = 60;
};

// What the key ring holds, as the State carries it.
struct StateKeys {
  const std::vector<SigningKey>& signing_keys;
  const std::string& session_key;
};

// Version and generated_at are left empty: StateVersioner sets them.
nauthera::v1::State BuildState(const IssuerSettings& issuer, const StateKeys& keys,
                               const std::vector<ServableClient>& clients,
                               const std::vector<ServableUser>& users);

// The checks a State must pass before it is sent (a token server runs its own before it
// applies one): a valid issuer, exactly one ACTIVE key that parses with kid = thumbprint,
// unique non-empty client ids, a secret hash exactly for confidential clients, a session key of
// 32 bytes or none, unique usernames.
absl::Status CheckStateConsistency(const nauthera::v1::State& state);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SNAPSHOT_STATE_BUILDER_H_
