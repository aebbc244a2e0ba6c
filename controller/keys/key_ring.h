// The controller's signing keys, kept in a Kubernetes Secret manifest
// (<state-dir>/keys/nauthera-signing-keys.yaml, namespace nauthera-system, data."keys.json",
// plus data."session_key" for the token servers' login sessions).
// Made once, on first start, and reused on every later start: a new key would invalidate every
// token in flight and every relying party's cached JWKS.
//
// Rotation (DESIGN.md, Tokens) drops in here: a Rotate(now) step that adds a PUBLISHED key,
// makes it ACTIVE once every JWKS cache has seen it, and RETIREs the old one until the
// longest token lifetime has passed. Today there is exactly one ACTIVE key.
#ifndef NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_
#define NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/keys/signing_key.h"

namespace nauthera::controller {

inline constexpr absl::string_view kSigningKeysSecretName = "nauthera-signing-keys";
inline constexpr absl::string_view kSigningKeysNamespace = "nauthera-system";

class KeyRing {
 public:
  // Loads the key Secret at `path`, or makes one ACTIVE RSA-2048 key and writes it there when
  // the file does not exist. Fails (and writes nothing) when the file exists but cannot be
  // read as a key set: the keys must be repaired, never silently replaced.
  static absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreate(const std::string& path,
                                                               int64_t now_unix_seconds);

  // The same key set kept elsewhere (a Secret in the cluster): `data` is a Secret's decoded
  // data ("keys.json", "session_key"). Fails when it cannot be used as a key set.
  static absl::StatusOr<std::unique_ptr<KeyRing>> FromSecretData(
      const std::map<std::string, std::string>& data);
  // A new key set: one ACTIVE RSA-2048 key and a session key (created() is true).
  static absl::StatusOr<std::unique_ptr<KeyRing>> Generate(int64_t now_unix_seconds);
  // The decoded Secret data FromSecretData reads.
  std::map<std::string, std::string> ToSecretData() const;

  const std::vector<SigningKey>& keys() const { return keys_; }
  // 32 random bytes every token server shares to seal login sessions and CSRF tokens
  // (proto State.session_key); kept in the same Secret (data."session_key"), never remade.
  const std::string& session_key() const { return session_key_; }
  // True when LoadOrCreate made the keys rather than loading them.
  bool created() const { return created_; }

 private:
  KeyRing(std::vector<SigningKey> keys, std::string session_key, bool created)
      : keys_(std::move(keys)), session_key_(std::move(session_key)), created_(created) {}
  std::vector<SigningKey> keys_;
  std::string session_key_;
  bool created_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_
