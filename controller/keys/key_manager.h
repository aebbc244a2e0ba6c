// Keeps the controller's key set current: on every reconcile loop tick (at most every
// `check_interval`), it re-reads the key Secret; the replica that writes (the leader, or the
// only controller in local mode) rotates the keys (key_rotation.h) and saves them BEFORE
// anything is published, so a key that signs is never one the Secret lacks; the others adopt
// what the leader saved. A key Secret deleted by hand is written back from memory.
#ifndef NAUTHERA_CONTROLLER_KEYS_KEY_MANAGER_H_
#define NAUTHERA_CONTROLLER_KEYS_KEY_MANAGER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"
#include "controller/keys/key_ring.h"
#include "controller/keys/key_rotation.h"
#include "controller/keys/key_store.h"

namespace nauthera::controller {

// One key as /status shows it.
struct KeySummary {
  std::string kid;
  std::string phase;
  int64_t created_at = 0;
  int64_t activated_at = 0;
  int64_t retired_at = 0;
  int64_t remove_after = 0;
};

class KeyManager {
 public:
  struct Options {
    RotationSettings rotation;
    int64_t check_interval_seconds = 2;
    // True when this replica may write the key Secret.
    std::function<bool()> may_write = [] { return true; };
    // Makes new keys (tests inject a cheap one).
    KeyMaker make_key = [](int64_t now) { return KeyRing::MakeKey(now); };
  };

  KeyManager(std::unique_ptr<KeyStore> store, std::unique_ptr<KeyRing> ring, Options options);

  // The key set to publish. Changed only by Tick (call both from one thread).
  const KeyRing& ring() const { return *ring_; }
  const KeyStore& store() const { return *store_; }

  // `max_token_ttl_seconds`: the longest access or ID token lifetime in force. Returns true
  // when the key set changed (a new State must be published).
  bool Tick(int64_t now, int64_t max_token_ttl_seconds);

  // For /status (any thread).
  std::vector<KeySummary> Summary() const;

 private:
  bool Adopt(const std::map<std::string, std::string>& data, absl::string_view why);
  void Record(const std::vector<std::string>& transitions, int64_t next_due);
  void UpdateSummary();

  std::unique_ptr<KeyStore> store_;
  std::unique_ptr<KeyRing> ring_;
  Options options_;
  int64_t next_check_ = 0;
  int64_t next_due_ = 0;
  std::string last_error_;
  // The Secret's data as last adopted or saved; an unchanged read is not parsed again.
  std::map<std::string, std::string> last_stored_;
  mutable Mutex mu_;
  std::vector<KeySummary> summary_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KEYS_KEY_MANAGER_H_
