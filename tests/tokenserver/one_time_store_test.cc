// The same cases against MemoryStore (one replica) and RedisStore (two replicas sharing one
// real redis-server): the semantics the grants rely on must not depend on the backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <type_traits>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "tests/tokenserver/redis_test_server.h"
#include "tokenserver/store/memory_store.h"
#include "tokenserver/store/redis_store.h"

namespace nauthera {
namespace {

constexpr int64_t kNow = 1'800'000'000;

// One replica: "both replicas" are the same object.
struct MemoryBackend {
  MemoryStore store;
  OneTimeStore* a() { return &store; }
  OneTimeStore* b() { return &store; }
};

// Two replicas: two RedisStores (two connection pools) on one redis-server, under a key
// prefix of their own so test cases do not see each other's keys.
struct RedisBackend {
  static RedisStore::Options StoreOptions() {
    static std::atomic<int> next{0};
    static const std::string run = std::to_string(getpid());
    RedisStore::Options options;
    options.client.url = *ParseRedisUrl(testing::RedisTestServer::Shared().url());
    options.client.pool_size = 8;
    options.key_prefix = absl::StrCat("nauthera-test-", run, "-", next++, ":");
    return options;
  }
  RedisBackend() : options(StoreOptions()), first(options), second(options) {}
  RedisStore::Options options;
  RedisStore first;
  RedisStore second;
  OneTimeStore* a() { return &first; }
  OneTimeStore* b() { return &second; }
};

CodeGrant Grant(int64_t expires_at = kNow + 60) {
  return CodeGrant{"client-1", "http://127.0.0.1:8000/callback", "challenge-value", "nonce-1",
                   "sub-alice", {"openid", "profile", "groups"}, kNow - 5, expires_at};
}

RefreshFamily Family(const std::string& id, int64_t expires_at = kNow + 3600) {
  return RefreshFamily{id, "client-1", "sub-alice", {"openid", "offline_access"}, kNow - 5,
                       expires_at};
}

}  // namespace
}  // namespace nauthera

namespace nauthera {

TEMPLATE_TEST_CASE("authorization codes: the grant round-trips and is single use across replicas",
                   "[store]", MemoryBackend, RedisBackend) {
  TestType backend;
  const std::string code = Sha256("code-1");
  REQUIRE(backend.a()->PutCode(code, Grant()).ok());
  CHECK(absl::IsAlreadyExists(backend.b()->PutCode(code, Grant())));

  std::string family;
  auto grant = backend.b()->ConsumeCode(code, "client-1", kNow + 1, &family);
  REQUIRE(grant.ok());
  CHECK(grant->client_id == "client-1");
  CHECK(grant->redirect_uri == "http://127.0.0.1:8000/callback");
  CHECK(grant->code_challenge == "challenge-value");
  CHECK(grant->nonce == "nonce-1");
  CHECK(grant->subject == "sub-alice");
  CHECK(grant->scopes == std::vector<std::string>{"openid", "profile", "groups"});
  CHECK(grant->auth_time == kNow - 5);
  CHECK(grant->expires_at == kNow + 60);
  CHECK(family.empty());

  // A replay on the other replica: refused, and names the family the first exchange created.
  REQUIRE(backend.b()->LinkCodeToFamily(code, "family-1").ok());
  auto replay = backend.a()->ConsumeCode(code, "client-1", kNow + 2, &family);
  CHECK(absl::IsFailedPrecondition(replay.status()));
  CHECK(family == "family-1");
}

TEMPLATE_TEST_CASE("authorization codes: another client's attempt is refused before the code is "
                   "spent, and changes nothing", "[store]", MemoryBackend, RedisBackend) {
  TestType backend;
  const std::string code = Sha256("code-bound");
  REQUIRE(backend.a()->PutCode(code, Grant()).ok());
  std::string grant_id;
  // Unspent: refused for client-2, still there for client-1.
  CHECK(absl::IsPermissionDenied(
      backend.b()->ConsumeCode(code, "client-2", kNow + 1, &grant_id).status()));
  REQUIRE(backend.a()->ConsumeCode(code, "client-1", kNow + 1, &grant_id).ok());
  REQUIRE(backend.a()->LinkCodeToFamily(code, "grant-1").ok());
  // Spent: client-2 learns nothing (not a replay, no grant to revoke); client-1's replay is.
  grant_id.clear();
  CHECK(absl::IsPermissionDenied(
      backend.b()->ConsumeCode(code, "client-2", kNow + 2, &grant_id).status()));
  CHECK(grant_id.empty());
  CHECK(absl::IsFailedPrecondition(
      backend.b()->ConsumeCode(code, "client-1", kNow + 2, &grant_id).status()));
  CHECK(grant_id == "grant-1");
}

TEMPLATE_TEST_CASE("revoked grants: remembered across replicas until their time, family ended",
                   "[store]", MemoryBackend, RedisBackend) {
  TestType backend;
  const std::string token = Sha256("rt-grant");
  REQUIRE(backend.a()->CreateFamily(Family("grant-fam"), token).ok());
  for (const char* id : {"grant-fam", "grant-without-family"}) {
    CAPTURE(id);
    CHECK_FALSE(*backend.b()->IsGrantRevoked(id, kNow));
    REQUIRE(backend.a()->RevokeGrant(id, kNow + 600).ok());
    CHECK(*backend.b()->IsGrantRevoked(id, kNow + 1));
    CHECK(*backend.a()->IsGrantRevoked(id, kNow + 599));
    CHECK_FALSE(*backend.b()->IsGrantRevoked(id, kNow + 600));
    // A later, shorter revocation never shortens the first.
    REQUIRE(backend.b()->RevokeGrant(id, kNow + 10).ok());
    CHECK(*backend.a()->IsGrantRevoked(id, kNow + 599));
  }
  CHECK_FALSE(*backend.a()->IsGrantRevoked("grant-other", kNow));
  // The family of that id is revoked with it.
  auto lookup = backend.b()->LookupRefreshToken(token, kNow + 1, 30);
  REQUIRE(lookup.ok());
  CHECK(lookup->use == RefreshTokenUse::kUnknown);
  // A family created under a grant already revoked (a replay racing the exchange) is refused.
  CHECK(absl::IsFailedPrecondition(
      backend.b()->CreateFamily(Family("grant-without-family"), Sha256("rt-late"))));
  auto late = backend.a()->LookupRefreshToken(Sha256("rt-late"), kNow + 1, 30);
  REQUIRE(late.ok());
  CHECK(late->use == RefreshTokenUse::kUnknown);
}

TEMPLATE_TEST_CASE("authorization codes: unknown and expired codes are NotFound", "[store]",
                   MemoryBackend, RedisBackend) {
  TestType backend;
  std::string family;
  CHECK(absl::IsNotFound(
      backend.a()->ConsumeCode(Sha256("never"), "client-1", kNow, &family).status()));
  const std::string code = Sha256("code-expiring");
  REQUIRE(backend.a()->PutCode(code, Grant(kNow + 60)).ok());
  CHECK(absl::IsNotFound(
      backend.b()->ConsumeCode(code, "client-1", kNow + 60, &family).status()));
  // Expired and never spent: still not a replay.
  CHECK(absl::IsNotFound(
      backend.b()->ConsumeCode(code, "client-1", kNow + 61, &family).status()));
  // Linking an unknown code creates nothing.
  CHECK(backend.a()->LinkCodeToFamily(Sha256("never"), "family-x").ok());
  CHECK(absl::IsNotFound(
      backend.a()->ConsumeCode(Sha256("never"), "client-1", kNow, &family).status()));
}

TEMPLATE_TEST_CASE("many threads on two replicas redeem one code: exactly one wins", "[store]",
                   MemoryBackend, RedisBackend) {
  TestType backend;
  for (int round = 0; round < 5; ++round) {
    const std::string code = Sha256(absl::StrCat("contended-", round));
    REQUIRE(backend.a()->PutCode(code, Grant()).ok());
    constexpr int kThreads = 16;
    std::atomic<int> wins{0};
    std::atomic<int> replays{0};
    std::atomic<int> other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        OneTimeStore* store = i % 2 == 0 ? backend.a() : backend.b();
        while (!go.load()) std::this_thread::yield();
        std::string family;
        auto grant = store->ConsumeCode(code, "client-1", kNow + 1, &family);
        if (grant.ok()) {
          ++wins;
        } else if (absl::IsFailedPrecondition(grant.status())) {
          ++replays;
        } else {
          ++other;
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    CHECK(wins.load() == 1);
    CHECK(replays.load() == kThreads - 1);
    CHECK(other.load() == 0);
  }
}

TEMPLATE_TEST_CASE("refresh families: rotation, grace replay, reuse and revocation", "[store]",
                   MemoryBackend, RedisBackend) {
  TestType backend;
  const std::string t0 = Sha256("rt-0");
  const std::string t1 = Sha256("rt-1");
  const std::string t2 = Sha256("rt-2");
  REQUIRE(backend.a()->CreateFamily(Family("fam-1"), t0).ok());
  CHECK(absl::IsAlreadyExists(backend.b()->CreateFamily(Family("fam-1"), t1)));

  auto lookup = backend.b()->LookupRefreshToken(t0, kNow, 30);
  REQUIRE(lookup.ok());
  CHECK(lookup->use == RefreshTokenUse::kCurrent);
  CHECK(lookup->family.family_id == "fam-1");
  CHECK(lookup->family.client_id == "client-1");
  CHECK(lookup->family.subject == "sub-alice");
  CHECK(lookup->family.scopes == std::vector<std::string>{"openid", "offline_access"});
  CHECK(lookup->family.auth_time == kNow - 5);
  CHECK(lookup->family.expires_at == kNow + 3600);
  CHECK(lookup->current_token_hash == t0);

  // Rotate on B; a second rotation of the same token (on A) loses.
  REQUIRE(backend.b()->RotateRefreshToken("fam-1", t0, t1, "{\"response\":1}", kNow + 10).ok());
  CHECK(absl::IsAborted(backend.a()->RotateRefreshToken("fam-1", t0, t2, "{\"x\":2}", kNow + 10)));
  CHECK(absl::IsNotFound(backend.a()->RotateRefreshToken("fam-nope", t0, t2, "{}", kNow + 10)));

  // The spent token inside the grace window: the same answer, on either replica.
  auto grace = backend.a()->LookupRefreshToken(t0, kNow + 40, 30);
  REQUIRE(grace.ok());
  CHECK(grace->use == RefreshTokenUse::kGraceReplay);
  CHECK(grace->cached_response == "{\"response\":1}");
  CHECK(grace->current_token_hash == t1);
  auto current = backend.a()->LookupRefreshToken(t1, kNow + 40, 30);
  REQUIRE(current.ok());
  CHECK(current->use == RefreshTokenUse::kCurrent);

  // After the window: reuse. The caller revokes; then nothing of the family works anywhere.
  auto reuse = backend.b()->LookupRefreshToken(t0, kNow + 41, 30);
  REQUIRE(reuse.ok());
  CHECK(reuse->use == RefreshTokenUse::kReuse);
  CHECK(reuse->family.family_id == "fam-1");
  REQUIRE(backend.b()->RevokeFamily("fam-1").ok());
  for (OneTimeStore* store : {backend.a(), backend.b()}) {
    for (const std::string& token : {t0, t1}) {
      auto after = store->LookupRefreshToken(token, kNow + 42, 30);
      REQUIRE(after.ok());
      CHECK(after->use == RefreshTokenUse::kUnknown);
    }
  }
  CHECK(absl::IsNotFound(backend.a()->RotateRefreshToken("fam-1", t1, t2, "{}", kNow + 43)));
}

TEMPLATE_TEST_CASE("refresh families: unknown tokens and expired families", "[store]",
                   MemoryBackend, RedisBackend) {
  TestType backend;
  auto unknown = backend.a()->LookupRefreshToken(Sha256("never"), kNow, 30);
  REQUIRE(unknown.ok());
  CHECK(unknown->use == RefreshTokenUse::kUnknown);
  // A family ends at its expires_at (the Redis keys too; the time here is the caller's).
  const std::string t0 = Sha256("rt-expiring");
  REQUIRE(backend.a()->CreateFamily(Family("fam-exp", kNow + 100), t0).ok());
  auto live = backend.b()->LookupRefreshToken(t0, kNow + 99, 30);
  REQUIRE(live.ok());
  CHECK(live->use == RefreshTokenUse::kCurrent);
  auto ended = backend.b()->LookupRefreshToken(t0, kNow + 100, 30);
  REQUIRE(ended.ok());
  CHECK(ended->use == RefreshTokenUse::kUnknown);
}

TEMPLATE_TEST_CASE("many threads rotate one refresh token: exactly one rotation", "[store]",
                   MemoryBackend, RedisBackend) {
  TestType backend;
  const std::string t0 = Sha256("rt-contended");
  REQUIRE(backend.a()->CreateFamily(Family("fam-contended"), t0).ok());
  constexpr int kThreads = 12;
  std::atomic<int> rotated{0};
  std::atomic<int> aborted{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      OneTimeStore* store = i % 2 == 0 ? backend.a() : backend.b();
      while (!go.load()) std::this_thread::yield();
      absl::Status s = store->RotateRefreshToken("fam-contended", t0,
                                                 Sha256(absl::StrCat("succ-", i)),
                                                 absl::StrCat("{\"i\":", i, "}"), kNow + 1);
      if (s.ok()) ++rotated;
      if (absl::IsAborted(s)) ++aborted;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  CHECK(rotated.load() == 1);
  CHECK(aborted.load() == kThreads - 1);
  // The losers' replays see the winner's response.
  auto grace = backend.a()->LookupRefreshToken(t0, kNow + 2, 30);
  REQUIRE(grace.ok());
  CHECK(grace->use == RefreshTokenUse::kGraceReplay);
  CHECK(grace->cached_response.rfind("{\"i\":", 0) == 0);
}

}  // namespace nauthera

namespace nauthera {

// Not run by default (hidden tag): `tokenserver_store_tests "[.bench]"` prints the cost of
// one code's life (PutCode + ConsumeCode) and one refresh (lookup + rotation) per backend.
TEMPLATE_TEST_CASE("store latency of one code and one refresh", "[.bench]", MemoryBackend,
                   RedisBackend) {
  TestType backend;
  constexpr int kRounds = 2000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    const std::string code = Sha256(absl::StrCat("bench-code-", i));
    std::string family;
    REQUIRE(backend.a()->PutCode(code, Grant()).ok());
    REQUIRE(backend.b()->ConsumeCode(code, "client-1", kNow + 1, &family).ok());
  }
  auto codes = std::chrono::steady_clock::now() - start;
  std::string current = Sha256("bench-rt-0");
  REQUIRE(backend.a()->CreateFamily(Family("fam-bench"), current).ok());
  start = std::chrono::steady_clock::now();
  for (int i = 1; i <= kRounds; ++i) {
    auto lookup = backend.b()->LookupRefreshToken(current, kNow + i, 30);
    REQUIRE(lookup.ok());
    REQUIRE(lookup->use == RefreshTokenUse::kCurrent);
    std::string next = Sha256(absl::StrCat("bench-rt-", i));
    REQUIRE(backend.a()->RotateRefreshToken("fam-bench", current, next, "{}", kNow + i).ok());
    current = next;
  }
  auto refreshes = std::chrono::steady_clock::now() - start;
  auto micros = [](auto d) {
    return std::chrono::duration<double, std::micro>(d).count() / kRounds;
  };
  std::printf("store latency (%s): code put+consume %.1f us, refresh lookup+rotate %.1f us\n",
              std::is_same_v<TestType, MemoryBackend> ? "memory" : "redis", micros(codes),
              micros(refreshes));
}

}  // namespace nauthera
