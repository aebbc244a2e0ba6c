// OneTimeStore and AttemptCounter in Redis, so any number of token-server replicas behind one
// Service share single use of authorization codes, refresh-token rotation and the login
// attempt limits. Every read-modify-write is one Lua script, which Redis runs atomically: two
// replicas redeeming one code at once get exactly one grant.
//
// Keys (prefix "nauthera:" by default; every key has a TTL):
//   code:<hex sha256(code)>     hash g (grant JSON), exp, spent, fam     expires at exp + 600 s
//   rt:<hex sha256(token)>      the family id, for every token a family ever had
//                                                                         expires with the family
//   fam:<family id>             hash f (family JSON), cur, prev, prev_at, revoked, exp
//                                                                         expires with the family
//   grace:<family id>           the response given for the just-spent token  grace_ttl
//   revoked:<grant id>          until when the grant stays revoked          expires then
//   login:<hex sha256(key)>     hash n (failures), last                  forget_after
//                               (key: "ua:<len>:<username>@<address>" or "a:<address>")
// Tokens appear only as SHA-256 hashes. The grace response holds the successor tokens (it must
// be returned verbatim) and so lives only for the grace window plus a margin.
//
// One Redis primary (standalone, or behind Sentinel / a managed failover endpoint); not
// Redis Cluster: the lookup script reaches the family key it finds.
#ifndef NAUTHERA_TOKENSERVER_STORE_REDIS_STORE_H_
#define NAUTHERA_TOKENSERVER_STORE_REDIS_STORE_H_

#include <memory>
#include <string>

#include "tokenserver/store/attempt_counter.h"
#include "tokenserver/store/one_time_store.h"
#include "tokenserver/store/redis_client.h"

namespace nauthera {

class RedisStore : public OneTimeStore, public AttemptCounter {
 public:
  struct Options {
    RedisClient::Options client;
    std::string key_prefix = "nauthera:";
    // How long the response for a just-spent refresh token is kept; longer than the grace
    // window callers pass to LookupRefreshToken.
    int64_t grace_ttl_seconds = 60;
  };
  explicit RedisStore(Options options);

  // OneTimeStore
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
  absl::Status Ready() override;

  // AttemptCounter
  absl::StatusOr<std::vector<AttemptRecord>> Get(const std::vector<std::string>& keys,
                                                 int64_t now, int64_t forget_after) override;
  absl::StatusOr<int64_t> Reserve(const std::vector<AttemptRule>& rules,
                                  const AttemptPolicy& policy, int64_t now) override;
  absl::Status Release(const std::vector<std::string>& clear,
                       const std::vector<std::string>& refund) override;

 private:
  std::string Key(absl::string_view kind, absl::string_view id) const;
  std::string HashedKey(absl::string_view kind, absl::string_view raw_hash) const;
  absl::StatusOr<RedisValue> Eval(absl::string_view operation, const RedisScript& script,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  Options options_;
  RedisClient client_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_REDIS_STORE_H_
