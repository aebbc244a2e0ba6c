// One complete, immutable state as received from the controller, checked and prepared for
// serving: keys parsed once, documents (discovery, JWKS) rendered once per version. Requests
// take a shared_ptr at their start and use that one snapshot to the end.
#ifndef NAUTHERA_TOKENSERVER_STATE_SNAPSHOT_H_
#define NAUTHERA_TOKENSERVER_STATE_SNAPSHOT_H_

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/statusor.h"
#include "common/crypto/jws_key.h"
#include "nauthera/v1/state.pb.h"

namespace nauthera {

struct PublishedKey {
  std::string kid;
  std::shared_ptr<const JwsKey> key;  // RS256 (RSA) or ES256 (EC P-256)
  v1::SigningKey::Phase phase;
};

class Snapshot {
 public:
  // Checks `state` for consistency (the token server's half of the xDS contract) and prepares
  // it. An error says what is wrong; the caller NACKs and keeps its last good snapshot.
  static absl::StatusOr<std::shared_ptr<const Snapshot>> Create(v1::State state);

  const std::string& version() const { return state_.version(); }
  const std::string& issuer() const { return state_.issuer().issuer_url(); }
  int64_t generated_at() const { return state_.generated_at(); }

  // The key that signs new tokens, and its kid.
  const JwsKey& active_key() const { return *active_key_; }
  const std::string& active_kid() const { return active_kid_; }
  const std::vector<PublishedKey>& published_keys() const { return keys_; }
  // The distinct algorithms of the published keys, sorted (discovery lists exactly these).
  std::vector<std::string> published_algorithms() const;

  // nullptr when no client has this id.
  const v1::Client* FindClient(absl::string_view client_id) const;
  size_t client_count() const { return clients_.size(); }
  size_t user_count() const { return users_by_name_.size(); }

  // People (NautheraUser); nullptr when unknown.
  const v1::User* FindUserByUsername(absl::string_view username) const;
  const v1::User* FindUserBySubject(absl::string_view subject) const;
  // Keys session cookies and CSRF tokens; empty when the controller sent none (then interactive
  // login is unavailable).
  const std::string& session_key() const { return state_.session_key(); }

  // A document that depends only on this snapshot, rendered by `render` on first use and
  // kept for the snapshot's life (thread-safe). The renderers belong to the endpoints that
  // serve the documents; state/ does not depend on them.
  enum class Document { kDiscovery = 0, kJwks = 1 };
  const std::string& Rendered(Document document, std::string (*render)(const Snapshot&)) const;
  int64_t jwks_max_age_seconds() const { return state_.issuer().jwks_max_age_seconds(); }

 private:
  Snapshot() = default;
  absl::Status CheckAndPrepareKeys();
  absl::Status CheckAndIndexClients();
  absl::Status CheckAndIndexUsers();

  v1::State state_;
  std::vector<PublishedKey> keys_;
  std::shared_ptr<const JwsKey> active_key_;
  std::string active_kid_;
  std::map<std::string, const v1::Client*, std::less<>> clients_;
  std::map<std::string, const v1::User*, std::less<>> users_by_name_;
  std::map<std::string, const v1::User*, std::less<>> users_by_subject_;
  struct RenderedDocument {
    absl::once_flag once;
    std::string text;
  };
  mutable std::array<RenderedDocument, 2> rendered_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STATE_SNAPSHOT_H_
