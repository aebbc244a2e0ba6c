#include "tokenserver/store/memory_store.h"

#include <algorithm>

namespace nauthera {

void MemoryStore::PurgeExpiredLocked(int64_t now) {
  if (++operations_ % 256 != 0) return;
  // Spent codes are kept a while past expiry so a late replay is still recognised.
  for (auto it = codes_.begin(); it != codes_.end();) {
    it = it->second.grant.expires_at + 600 < now ? codes_.erase(it) : std::next(it);
  }
  for (auto it = families_.begin(); it != families_.end();) {
    if (it->second.family.expires_at < now) {
      for (auto t = token_to_family_.begin(); t != token_to_family_.end();) {
        t = t->second == it->first ? token_to_family_.erase(t) : std::next(t);
      }
      it = families_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = revoked_grants_.begin(); it != revoked_grants_.end();) {
    it = it->second <= now ? revoked_grants_.erase(it) : std::next(it);
  }
}

absl::Status MemoryStore::PutCode(const std::string& code_hash, const CodeGrant& grant) {
  MutexLock lock(&mu_);
  PurgeExpiredLocked(grant.expires_at);
  if (!codes_.emplace(code_hash, CodeEntry{grant, false, ""}).second) {
    return absl::AlreadyExistsError("code collision");
  }
  return absl::OkStatus();
}

absl::StatusOr<CodeGrant> MemoryStore::ConsumeCode(const std::string& code_hash,
                                                   const std::string& client_id, int64_t now,
                                                   std::string* grant_to_revoke) {
  MutexLock lock(&mu_);
  auto it = codes_.find(code_hash);
  if (it == codes_.end()) return absl::NotFoundError("unknown code");
  if (it->second.grant.client_id != client_id) {
    return absl::PermissionDeniedError("code issued to another client");
  }
  if (it->second.spent) {
    *grant_to_revoke = it->second.family_id;
    return absl::FailedPreconditionError("code already used");
  }
  if (it->second.grant.expires_at <= now) return absl::NotFoundError("code expired");
  it->second.spent = true;
  return it->second.grant;
}

absl::Status MemoryStore::LinkCodeToFamily(const std::string& code_hash,
                                           const std::string& family_id) {
  MutexLock lock(&mu_);
  auto it = codes_.find(code_hash);
  if (it != codes_.end()) it->second.family_id = family_id;
  return absl::OkStatus();
}

absl::Status MemoryStore::CreateFamily(const RefreshFamily& family,
                                       const std::string& token_hash) {
  MutexLock lock(&mu_);
  if (revoked_grants_.count(family.family_id) != 0) {
    return absl::FailedPreconditionError("grant revoked");
  }
  FamilyEntry entry;
  entry.family = family;
  entry.current_hash = token_hash;
  if (!families_.emplace(family.family_id, entry).second) {
    return absl::AlreadyExistsError("family collision");
  }
  token_to_family_[token_hash] = family.family_id;
  return absl::OkStatus();
}

absl::StatusOr<RefreshLookup> MemoryStore::LookupRefreshToken(const std::string& token_hash,
                                                              int64_t now,
                                                              int64_t grace_seconds) {
  MutexLock lock(&mu_);
  PurgeExpiredLocked(now);
  RefreshLookup lookup;
  auto owner = token_to_family_.find(token_hash);
  if (owner == token_to_family_.end()) return lookup;
  auto it = families_.find(owner->second);
  if (it == families_.end() || it->second.revoked || it->second.family.expires_at <= now) {
    return lookup;
  }
  const FamilyEntry& entry = it->second;
  lookup.family = entry.family;
  lookup.current_token_hash = entry.current_hash;
  if (token_hash == entry.current_hash) {
    lookup.use = RefreshTokenUse::kCurrent;
  } else if (token_hash == entry.previous_hash && now - entry.previous_spent_at <= grace_seconds) {
    lookup.use = RefreshTokenUse::kGraceReplay;
    lookup.cached_response = entry.previous_response;
  } else {
    lookup.use = RefreshTokenUse::kReuse;
  }
  return lookup;
}

absl::Status MemoryStore::RotateRefreshToken(const std::string& family_id,
                                             const std::string& expected_current,
                                             const std::string& new_hash,
                                             const std::string& response, int64_t now) {
  MutexLock lock(&mu_);
  auto it = families_.find(family_id);
  if (it == families_.end() || it->second.revoked) return absl::NotFoundError("no such family");
  FamilyEntry& entry = it->second;
  if (entry.current_hash != expected_current) return absl::AbortedError("rotated concurrently");
  entry.previous_hash = entry.current_hash;
  entry.previous_spent_at = now;
  entry.previous_response = response;
  entry.current_hash = new_hash;
  token_to_family_[new_hash] = family_id;
  return absl::OkStatus();
}

void MemoryStore::RevokeFamilyLocked(const std::string& family_id) {
  auto it = families_.find(family_id);
  if (it != families_.end()) {
    it->second.revoked = true;
    it->second.previous_response.clear();
  }
}

absl::Status MemoryStore::RevokeFamily(const std::string& family_id) {
  MutexLock lock(&mu_);
  RevokeFamilyLocked(family_id);
  return absl::OkStatus();
}

absl::Status MemoryStore::RevokeGrant(const std::string& grant_id, int64_t remember_until) {
  MutexLock lock(&mu_);
  RevokeFamilyLocked(grant_id);
  int64_t& until = revoked_grants_[grant_id];
  until = std::max(until, remember_until);
  return absl::OkStatus();
}

absl::StatusOr<bool> MemoryStore::IsGrantRevoked(const std::string& grant_id, int64_t now) {
  MutexLock lock(&mu_);
  auto it = revoked_grants_.find(grant_id);
  return it != revoked_grants_.end() && it->second > now;
}

}  // namespace nauthera
