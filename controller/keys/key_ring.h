// The controller's signing keys and the login session key: one key Secret (see key_store.h)
// with data."keys.json" (key_rotation.h describes the phases), data."session_key" and
// data."rotation_handled" (the last auth.nauthera.io/rotate value acted on).
// Made once, on first start, and reused on every later start: a lost key would invalidate
// every token in flight and every relying party's cached JWKS. Only rotation changes the key
// set, and only through KeyManager.
#ifndef NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_
#define NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/keys/key_store.h"
#include "controller/keys/signing_key.h"

namespace nauthera::controller {

inline constexpr absl::string_view kSigningKeysSecretName = "nauthera-signing-keys";
inline constexpr absl::string_view kSigningKeysNamespace = "nauthera-system";

class KeyRing {
 public:
  // Loads the key Secret from `store`, or makes one ACTIVE signing key and a session key and
  // saves them when there is none (if another replica saved first, uses the winner's). Fails
  // (and writes nothing) when the Secret exists but cannot be read as a key set: the keys
  // must be repaired, never silently replaced.
  // `algorithm` ("RS256" or "ES256") is that of the first key; loaded keys keep theirs.
  static absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreate(
      KeyStore& store, int64_t now_unix_seconds, absl::string_view algorithm = "RS256");
  // The same, for the local-mode file at `path`.
  static absl::StatusOr<std::unique_ptr<KeyRing>> LoadOrCreate(
      const std::string& path, int64_t now_unix_seconds, absl::string_view algorithm = "RS256");

  // A Secret's decoded data. Fails when it cannot be used as a key set.
  static absl::StatusOr<std::unique_ptr<KeyRing>> FromSecretData(
      const std::map<std::string, std::string>& data);
  // A new key set: one ACTIVE key for `algorithm` and a session key (created() is true).
  static absl::StatusOr<std::unique_ptr<KeyRing>> Generate(int64_t now_unix_seconds,
                                                           absl::string_view algorithm = "RS256");
  // The decoded Secret data FromSecretData reads.
  std::map<std::string, std::string> ToSecretData() const;

  const std::vector<SigningKey>& keys() const { return keys_; }
  // 32 random bytes every token server shares to seal login sessions and CSRF tokens
  // (proto State.session_key); kept in the same Secret (data."session_key"), never remade.
  const std::string& session_key() const { return session_key_; }
  // The last rotation request acted on ("" when none).
  const std::string& rotation_handled() const { return rotation_handled_; }
  // True when LoadOrCreate made the keys rather than loading them.
  bool created() const { return created_; }

  // A new key set from rotation (or from another replica's rotation). REQUIRES: it passes
  // CheckKeySet. The session key never changes.
  void Replace(std::vector<SigningKey> keys, std::string rotation_handled) {
    keys_ = std::move(keys);
    rotation_handled_ = std::move(rotation_handled);
  }

  // Every signing key comes from here (an ACTIVE key stamped `now`): RSA-2048 for RS256,
  // P-256 for ES256 (RFC 7518 §3.3, §3.4).
  static absl::StatusOr<SigningKey> MakeKey(int64_t now, absl::string_view algorithm = "RS256");

 private:
  KeyRing(std::vector<SigningKey> keys, std::string session_key, bool created)
      : keys_(std::move(keys)), session_key_(std::move(session_key)), created_(created) {}
  std::vector<SigningKey> keys_;
  std::string session_key_;
  std::string rotation_handled_;
  bool created_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_KEY_RING_H_
