// What the controller tells a person about each object: Ready or not, why, and what to do.
// The Kubernetes source will write the same as status.conditions; local mode writes it to
// status.txt / status.json and serves it at /status.
#ifndef NAUTHERA_CONTROLLER_STATUS_OBJECT_STATUS_H_
#define NAUTHERA_CONTROLLER_STATUS_OBJECT_STATUS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace nauthera::controller {

// Condition reasons (the Ready condition's `reason`).
namespace reason {
inline constexpr absl::string_view kReady = "Ready";
inline constexpr absl::string_view kNoPolicy = "NoPolicy";
inline constexpr absl::string_view kPolicyViolation = "PolicyViolation";
inline constexpr absl::string_view kInvalidSpec = "InvalidSpec";
inline constexpr absl::string_view kInvalidManifest = "InvalidManifest";
inline constexpr absl::string_view kSecretConflict = "SecretConflict";
// The credentials could not be read or written (a missing permission, the API server away).
inline constexpr absl::string_view kCredentialsUnavailable = "CredentialsUnavailable";
inline constexpr absl::string_view kNotSupported = "NotSupported";
// NautheraUser: no usable password hash, or switched off.
inline constexpr absl::string_view kNoPassword = "NoPassword";
inline constexpr absl::string_view kDisabled = "Disabled";
// Another NautheraUser already has the username or the email, ignoring case (kube-apiserver
// would map both to one Kubernetes user).
inline constexpr absl::string_view kUsernameConflict = "UsernameConflict";
inline constexpr absl::string_view kEmailConflict = "EmailConflict";
// A policy's spec.audienceClients names an OidcClient that has no client id.
inline constexpr absl::string_view kAudienceClientNotFound = "AudienceClientNotFound";
}  // namespace reason

struct ObjectStatus {
  std::string kind;  // "OidcClient"; "-" when a broken document's kind is unreadable
  std::string ns;
  std::string name;  // "-" when unreadable
  bool ready = false;
  std::string reason;
  // A sentence a person can act on.
  std::string message;
  std::string client_id;
  std::string credentials_secret_ref;
  // "file, document N": where the object (or the broken document) is.
  std::string source;
  // Policies: how many clients and service accounts they govern.
  std::optional<int> governs;
  // Whether the token servers are given this client (possibly a last good version).
  bool served = false;

  // Identifies the row across reconciles: "Kind/ns/name", or the source for unreadable ones.
  std::string Id() const;

  friend bool operator==(const ObjectStatus& a, const ObjectStatus& b);
  friend bool operator!=(const ObjectStatus& a, const ObjectStatus& b) { return !(a == b); }
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_STATUS_OBJECT_STATUS_H_
