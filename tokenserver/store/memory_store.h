// OneTimeStore in process memory: right for a single token-server replica (local mode).
#ifndef NAUTHERA_TOKENSERVER_STORE_MEMORY_STORE_H_
#define NAUTHERA_TOKENSERVER_STORE_MEMORY_STORE_H_

#include <map>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

class MemoryStore : public OneTimeStore {
 public:
  absl::Status PutCode(const std::string& code_hash, const CodeGrant& grant) override;
  absl::StatusOr<CodeGrant> ConsumeCode(const std::string& code_hash,
                                        const std::string& client_id, int64_t now,
                                        std::string* grant_to_revoke) override;
  absl::Status LinkCodeToFamily(const std::string& code_hash,
                                const std::string& family_id) override;
  absl::Status CreateFamily(const RefreshFamily& family, const std::string& token_hash) override;
  absl::StatusOr<RefreshLookup> LookupRefreshToken(const std::string& token_hash, int64_t now,
                                                   int64_t grace_seconds) override;
  absl::Status RotateRefreshToken(const std::string& family_id,
                                  const std::string& expected_current,
                                  const std::string& new_hash, const std::string& response,
                                  int64_t now) override;
  absl::Status RevokeFamily(const std::string& family_id) override;
  absl::Status RevokeGrant(const std::string& grant_id, int64_t remember_until) override;
  absl::StatusOr<bool> IsGrantRevoked(const std::string& grant_id, int64_t now) override;

 private:
  struct CodeEntry {
    CodeGrant grant;
    bool spent = false;
    std::string family_id;
  };
  struct FamilyEntry {
    RefreshFamily family;
    std::string current_hash;
    std::string previous_hash;
    int64_t previous_spent_at = 0;
    std::string previous_response;
    bool revoked = false;
  };
  void PurgeExpiredLocked(int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RevokeFamilyLocked(const std::string& family_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Mutex mu_;
  std::map<std::string, CodeEntry> codes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, FamilyEntry> families_ ABSL_GUARDED_BY(mu_);
  // Every token hash a family ever had -> family id (spent ones too, to detect reuse).
  std::map<std::string, std::string> token_to_family_ ABSL_GUARDED_BY(mu_);
  // Revoked grant ids -> until when they are remembered.
  std::map<std::string, int64_t> revoked_grants_ ABSL_GUARDED_BY(mu_);
  int operations_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_MEMORY_STORE_H_
