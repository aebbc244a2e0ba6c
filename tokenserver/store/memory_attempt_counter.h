// AttemptCounter in process memory (one replica), bounded under a spray of usernames or
// addresses. When the table is full, the entry that restricts least is dropped: forgotten or
// unlocked entries first (oldest first), then the one whose lock ends soonest. An attacker
// who fills the table with new entries therefore evicts only entries like their own (one
// failure, no lock), never a lockout that is still running.
#ifndef NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_
#define NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_

#include <cstddef>
#include <map>
#include <set>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"
#include "tokenserver/store/attempt_counter.h"

namespace nauthera {

class MemoryAttemptCounter : public AttemptCounter {
 public:
  static constexpr size_t kDefaultMaxEntries = 100000;
  explicit MemoryAttemptCounter(size_t max_entries = kDefaultMaxEntries)
      : max_entries_(max_entries) {}

  absl::StatusOr<std::vector<AttemptRecord>> Get(const std::vector<std::string>& keys,
                                                 int64_t now, int64_t forget_after) override;
  absl::StatusOr<int64_t> Reserve(const std::vector<AttemptRule>& rules,
                                  const AttemptPolicy& policy, int64_t now) override;
  absl::Status Release(const std::vector<std::string>& clear,
                       const std::vector<std::string>& refund) override;

  size_t size() const;

 private:
  struct Entry {
    AttemptRecord record;
    int64_t restricts_until = 0;  // when the entry stops holding anyone back
  };
  using Table = std::map<std::string, Entry>;
  // Eviction order: (restricts_until, the entry's key in entries_).
  using Order = std::set<std::pair<int64_t, const std::string*>>;

  void Erase(Table::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Table::iterator FindOrInsert(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetRestriction(Table::iterator it, int64_t until) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_entries_;
  mutable Mutex mu_;
  Table entries_ ABSL_GUARDED_BY(mu_);
  Order order_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_MEMORY_ATTEMPT_COUNTER_H_
