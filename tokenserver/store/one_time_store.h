// One-time state of the interactive flows: authorization codes and refresh-token families.
// Behind this interface so a shared store (RedisStore) serves many replicas; MemoryStore serves
// one. Keys are SHA-256 hashes of the tokens, never the tokens themselves.
//
// Errors: absl::StatusCode::kUnavailable always means "the store could not be reached or did
// not answer in time"; callers answer 503 temporarily_unavailable and change nothing else.
#ifndef NAUTHERA_TOKENSERVER_STORE_ONE_TIME_STORE_H_
#define NAUTHERA_TOKENSERVER_STORE_ONE_TIME_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nauthera {

struct CodeGrant {
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;  // S256; empty when the request had none
  std::string nonce;
  std::string subject;  // the user's "sub"
  std::vector<std::string> scopes;
  int64_t auth_time = 0;
  int64_t expires_at = 0;
};

struct RefreshFamily {
  std::string family_id;
  std::string client_id;
  std::string subject;
  std::vector<std::string> scopes;
  int64_t auth_time = 0;
  int64_t expires_at = 0;  // absolute end of the family (refreshTokenTTL from login)
};

enum class RefreshTokenUse {
  kCurrent,      // the live token: rotate it
  kGraceReplay,  // the token just spent, inside the grace window: answer as before
  kReuse,        // a spent token outside the window: theft assumed, revoke the family
  kUnknown,      // never issued, expired or revoked
};

struct RefreshLookup {
  RefreshTokenUse use = RefreshTokenUse::kUnknown;
  RefreshFamily family;
  std::string current_token_hash;
  std::string cached_response;  // kGraceReplay: the response given for the spent token
};

class OneTimeStore {
 public:
  virtual ~OneTimeStore() = default;

  virtual absl::Status PutCode(const std::string& code_hash, const CodeGrant& grant) = 0;
  // Single use (RFC 6749 §4.1.2), checked against the presenting client first (§4.1.3):
  //  - a code issued to another client than `client_id` is PermissionDenied, spent or not, and
  //    changes nothing (so a stranger cannot spend it nor trigger replay revocation);
  //  - the rightful client's first call returns the grant and marks the code spent;
  //  - its later calls are FailedPrecondition and return, via `grant_to_revoke`, the grant id
  //    the first exchange linked (LinkCodeToFamily), so the caller revokes what it issued
  //    (RFC 6749 §4.1.2: SHOULD revoke);
  //  - NotFound for unknown or expired codes.
  virtual absl::StatusOr<CodeGrant> ConsumeCode(const std::string& code_hash,
                                                const std::string& client_id, int64_t now,
                                                std::string* grant_to_revoke) = 0;
  // Remembers the grant id a code's exchange issued under: its refresh family's id when it
  // created one, else an id carried only by its access tokens.
  virtual absl::Status LinkCodeToFamily(const std::string& code_hash,
                                        const std::string& family_id) = 0;

  // AlreadyExists for an id in use; FailedPrecondition when RevokeGrant(family.family_id) ran
  // first (a code replay that raced the exchange creating the family).
  virtual absl::Status CreateFamily(const RefreshFamily& family, const std::string& token_hash) = 0;
  // kUnknown (not an error) for tokens never issued, expired or revoked; errors only when the
  // store cannot answer.
  virtual absl::StatusOr<RefreshLookup> LookupRefreshToken(const std::string& token_hash,
                                                           int64_t now,
                                                           int64_t grace_seconds) = 0;
  // Atomically replaces `expected_current` with `new_hash`, keeping `response` for replays of
  // the spent token during the grace window. Aborted if another request rotated first.
  virtual absl::Status RotateRefreshToken(const std::string& family_id,
                                          const std::string& expected_current,
                                          const std::string& new_hash,
                                          const std::string& response, int64_t now) = 0;
  virtual absl::Status RevokeFamily(const std::string& family_id) = 0;

  // Ends everything issued under one grant id (a code exchange and its refresh family, RFC
  // 6749 §4.1.2, RFC 9700 §4.14.2): revokes the family of that id if there is one, and
  // remembers the id as revoked until `remember_until` (unix seconds; past the expiry of every
  // access token carrying it) so those access tokens are refused at userinfo and introspection.
  virtual absl::Status RevokeGrant(const std::string& grant_id, int64_t remember_until) = 0;
  // True once RevokeGrant(grant_id) ran and until its remember_until passed.
  virtual absl::StatusOr<bool> IsGrantRevoked(const std::string& grant_id, int64_t now) = 0;

  // OK when the store can serve now (for /readyz); MemoryStore always can.
  virtual absl::Status Ready() { return absl::OkStatus(); }
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_ONE_TIME_STORE_H_
