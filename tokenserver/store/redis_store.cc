#include "tokenserver/store/redis_store.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/metrics/metrics.h"
#include "nlohmann/json.hpp"
#include "tokenserver/store/redis_scripts.h"

namespace nauthera {
namespace {

using nlohmann::json;

const RedisScript& Script(const char* source) {
  // One RedisScript (and SHA-1) per source text, built on first use.
  static std::mutex mu;
  static auto* scripts = new std::map<const char*, std::unique_ptr<RedisScript>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*scripts)[source];
  if (!slot) slot = std::make_unique<RedisScript>(source);
  return *slot;
}

std::string GrantToJson(const CodeGrant& g) {
  return json{{"client_id", g.client_id}, {"redirect_uri", g.redirect_uri},
              {"code_challenge", g.code_challenge}, {"nonce", g.nonce},
              {"sub", g.subject}, {"scopes", g.scopes},
              {"auth_time", g.auth_time}, {"exp", g.expires_at}}
      .dump();
}

absl::StatusOr<CodeGrant> GrantFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::InternalError("stored code is not JSON");
  CodeGrant g;
  g.client_id = j.value("client_id", "");
  g.redirect_uri = j.value("redirect_uri", "");
  g.code_challenge = j.value("code_challenge", "");
  g.nonce = j.value("nonce", "");
  g.subject = j.value("sub", "");
  g.scopes = j.value("scopes", std::vector<std::string>{});
  g.auth_time = j.value("auth_time", int64_t{0});
  g.expires_at = j.value("exp", int64_t{0});
  return g;
}

std::string FamilyToJson(const RefreshFamily& f) {
  return json{{"family_id", f.family_id}, {"client_id", f.client_id}, {"sub", f.subject},
              {"scopes", f.scopes}, {"auth_time", f.auth_time}, {"exp", f.expires_at}}
      .dump();
}

absl::StatusOr<RefreshFamily> FamilyFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return absl::InternalError("stored family is not JSON");
  RefreshFamily f;
  f.family_id = j.value("family_id", "");
  f.client_id = j.value("client_id", "");
  f.subject = j.value("sub", "");
  f.scopes = j.value("scopes", std::vector<std::string>{});
  f.auth_time = j.value("auth_time", int64_t{0});
  f.expires_at = j.value("exp", int64_t{0});
  return f;
}

std::string Hex(absl::string_view raw) { return absl::BytesToHexString(raw); }

absl::Status Malformed(absl::string_view operation) {
  return absl::InternalError(absl::StrCat("redis: unexpected reply to ", operation));
}

const RedisValue* Element(const RedisValue& value, size_t i) {
  if (value.type != RedisValue::Type::kArray || i >= value.elements.size()) return nullptr;
  return &value.elements[i];
}

int64_t IntegerAt(const RedisValue& value, size_t i) {
  const RedisValue* e = Element(value, i);
  return e != nullptr && e->type == RedisValue::Type::kInteger ? e->integer : -1;
}

std::string StringAt(const RedisValue& value, size_t i) {
  const RedisValue* e = Element(value, i);
  return e != nullptr && e->type == RedisValue::Type::kString ? e->string : std::string();
}

}  // namespace

RedisStore::RedisStore(Options options)
    : options_(std::move(options)), client_(options_.client) {}

std::string RedisStore::Key(absl::string_view kind, absl::string_view id) const {
  return absl::StrCat(options_.key_prefix, kind, ":", id);
}

std::string RedisStore::HashedKey(absl::string_view kind, absl::string_view raw_hash) const {
  return Key(kind, Hex(raw_hash));
}

absl::StatusOr<RedisValue> RedisStore::Eval(absl::string_view operation,
                                            const RedisScript& script,
                                            const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) {
  auto start = std::chrono::steady_clock::now();
  auto reply = client_.Eval(script, keys, args);
  Metrics& m = Metrics::Global();
  m.Observe("nauthera_store_request_duration_seconds", {std::string(operation)},
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!reply.ok()) m.Increment("nauthera_store_errors_total", {std::string(operation)});
  return reply;
}

absl::Status RedisStore::PutCode(const std::string& code_hash, const CodeGrant& grant) {
  auto reply = Eval("put_code", Script(redis_scripts::kPutCode), {HashedKey("code", code_hash)},
                    {GrantToJson(grant), std::to_string(grant.expires_at),
                     std::to_string(grant.expires_at + 600)});
  if (!reply.ok()) return reply.status();
  if (reply->integer != 1) return absl::AlreadyExistsError("code collision");
  return absl::OkStatus();
}

absl::StatusOr<CodeGrant> RedisStore::ConsumeCode(const std::string& code_hash,
                                                  const std::string& client_id, int64_t now,
                                                  std::string* grant_to_revoke) {
  auto reply = Eval("consume_code", Script(redis_scripts::kConsumeCode),
                    {HashedKey("code", code_hash)}, {std::to_string(now), client_id});
  if (!reply.ok()) return reply.status();
  switch (IntegerAt(*reply, 0)) {
    case 0:
      return absl::NotFoundError("unknown code");
    case 1:
      return GrantFromJson(StringAt(*reply, 1));
    case 2:
      *grant_to_revoke = StringAt(*reply, 1);
      return absl::FailedPreconditionError("code already used");
    case 3:
      return absl::NotFoundError("code expired");
    case 4:
      return absl::PermissionDeniedError("code issued to another client");
    default:
      return Malformed("consume_code");
  }
}

absl::Status RedisStore::LinkCodeToFamily(const std::string& code_hash,
                                          const std::string& family_id) {
  auto reply = Eval("link_code", Script(redis_scripts::kLinkCode),
                    {HashedKey("code", code_hash)}, {family_id});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status RedisStore::CreateFamily(const RefreshFamily& family,
                                      const std::string& token_hash) {
  auto reply = Eval("create_family", Script(redis_scripts::kCreateFamily),
                    {Key("fam", family.family_id), HashedKey("rt", token_hash),
                     Key("revoked", family.family_id)},
                    {FamilyToJson(family), Hex(token_hash), std::to_string(family.expires_at),
                     family.family_id});
  if (!reply.ok()) return reply.status();
  if (reply->integer == -1) return absl::FailedPreconditionError("grant revoked");
  if (reply->integer != 1) return absl::AlreadyExistsError("family collision");
  return absl::OkStatus();
}

absl::StatusOr<RefreshLookup> RedisStore::LookupRefreshToken(const std::string& token_hash,
                                                             int64_t now,
                                                             int64_t grace_seconds) {
  auto reply = Eval("lookup_refresh", Script(redis_scripts::kLookupRefresh),
                    {HashedKey("rt", token_hash)},
                    {Hex(token_hash), std::to_string(now), std::to_string(grace_seconds),
                     options_.key_prefix});
  if (!reply.ok()) return reply.status();
  RefreshLookup lookup;
  int64_t kind = IntegerAt(*reply, 0);
  if (kind == 0) return lookup;
  if (kind < 1 || kind > 3) return Malformed("lookup_refresh");
  auto family = FamilyFromJson(StringAt(*reply, 1));
  if (!family.ok()) return family.status();
  lookup.family = *std::move(family);
  lookup.current_token_hash = absl::HexStringToBytes(StringAt(*reply, 2));
  if (kind == 1) {
    lookup.use = RefreshTokenUse::kCurrent;
  } else if (kind == 2) {
    lookup.use = RefreshTokenUse::kGraceReplay;
    lookup.cached_response = StringAt(*reply, 3);
  } else {
    lookup.use = RefreshTokenUse::kReuse;
  }
  return lookup;
}

absl::Status RedisStore::RotateRefreshToken(const std::string& family_id,
                                            const std::string& expected_current,
                                            const std::string& new_hash,
                                            const std::string& response, int64_t now) {
  auto reply = Eval("rotate_refresh", Script(redis_scripts::kRotateRefresh),
                    {Key("fam", family_id), HashedKey("rt", new_hash), Key("grace", family_id)},
                    {Hex(expected_current), Hex(new_hash), response, std::to_string(now),
                     family_id, std::to_string(options_.grace_ttl_seconds)});
  if (!reply.ok()) return reply.status();
  if (reply->integer == 1) return absl::OkStatus();
  if (reply->integer == -1) return absl::AbortedError("rotated concurrently");
  return absl::NotFoundError("no such family");
}

absl::Status RedisStore::RevokeFamily(const std::string& family_id) {
  auto reply = Eval("revoke_family", Script(redis_scripts::kRevokeFamily),
                    {Key("fam", family_id), Key("grace", family_id)}, {});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status RedisStore::RevokeGrant(const std::string& grant_id, int64_t remember_until) {
  auto reply = Eval("revoke_grant", Script(redis_scripts::kRevokeGrant),
                    {Key("fam", grant_id), Key("grace", grant_id), Key("revoked", grant_id)},
                    {std::to_string(remember_until)});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::StatusOr<bool> RedisStore::IsGrantRevoked(const std::string& grant_id, int64_t now) {
  auto reply = Eval("grant_revoked", Script(redis_scripts::kGrantRevoked),
                    {Key("revoked", grant_id)}, {std::to_string(now)});
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisValue::Type::kInteger) return Malformed("grant_revoked");
  return reply->integer == 1;
}

absl::Status RedisStore::Ready() { return client_.Ping(); }

absl::StatusOr<std::vector<AttemptRecord>> RedisStore::Get(const std::vector<std::string>& keys,
                                                           int64_t now, int64_t forget_after) {
  std::vector<std::string> redis_keys;
  for (const std::string& key : keys) redis_keys.push_back(HashedKey("login", Sha256(key)));
  auto reply = Eval("get_attempts", Script(redis_scripts::kGetAttempts), redis_keys,
                    {std::to_string(now), std::to_string(forget_after)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2 * keys.size()) return Malformed("get_attempts");
  std::vector<AttemptRecord> out;
  for (size_t i = 0; i < keys.size(); ++i) {
    out.push_back(AttemptRecord{static_cast<int>(IntegerAt(*reply, 2 * i)),
                                IntegerAt(*reply, 2 * i + 1)});
  }
  return out;
}

absl::StatusOr<int64_t> RedisStore::Reserve(const std::vector<AttemptRule>& rules,
                                            const AttemptPolicy& policy, int64_t now) {
  std::vector<std::string> redis_keys;
  std::vector<std::string> args = {std::to_string(now),
                                   std::to_string(policy.max_delay_seconds),
                                   std::to_string(policy.forget_after_seconds)};
  for (const AttemptRule& rule : rules) {
    redis_keys.push_back(HashedKey("login", Sha256(rule.key)));
    args.push_back(std::to_string(rule.free_failures));
  }
  auto reply = Eval("reserve_attempt", Script(redis_scripts::kReserveAttempt), redis_keys, args);
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisValue::Type::kInteger) return Malformed("reserve_attempt");
  return reply->integer;
}

absl::Status RedisStore::Release(const std::vector<std::string>& clear,
                                 const std::vector<std::string>& refund) {
  std::vector<std::string> redis_keys;
  for (const std::string& key : clear) redis_keys.push_back(HashedKey("login", Sha256(key)));
  for (const std::string& key : refund) redis_keys.push_back(HashedKey("login", Sha256(key)));
  auto reply = Eval("release_attempt", Script(redis_scripts::kReleaseAttempt), redis_keys,
                    {std::to_string(clear.size())});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace nauthera
