// The login limits against both counters: MemoryAttemptCounter (one replica) and RedisStore
// (two replicas sharing one real redis-server). The OWASP shape (lock per account+address,
// throttle per address, no global lock), the atomic reservation under concurrency, and the
// memory table's eviction.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <unistd.h>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/tokenserver/redis_test_server.h"
#include "tokenserver/session/log_budget.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/store/memory_attempt_counter.h"
#include "tokenserver/store/redis_store.h"

namespace nauthera {
namespace {

constexpr int64_t kNow = 1'800'000'000;

// One replica: "both replicas" are the same object.
struct MemoryCounters {
  MemoryAttemptCounter counter;
  AttemptCounter* a() { return &counter; }
  AttemptCounter* b() { return &counter; }
};

// Two replicas on one redis-server, under a key prefix of their own.
struct RedisCounters {
  static RedisStore::Options StoreOptions() {
    static std::atomic<int> next{0};
    RedisStore::Options options;
    options.client.url = *ParseRedisUrl(testing::RedisTestServer::Shared().url());
    options.client.pool_size = 16;
    options.key_prefix = absl::StrCat("nauthera-limiter-", getpid(), "-", next++, ":");
    return options;
  }
  RedisCounters() : options(StoreOptions()), first(options), second(options) {}
  RedisStore::Options options;
  RedisStore first;
  RedisStore second;
  AttemptCounter* a() { return &first; }
  AttemptCounter* b() { return &second; }
};

int64_t Wait(LoginLimiter& limiter, const std::string& user, const std::string& address,
             int64_t now) {
  auto wait = limiter.Reserve(user, address, now);
  REQUIRE(wait.ok());
  return *wait;
}

}  // namespace

TEMPLATE_TEST_CASE("attempt counters: reserve counts, a wait counts nothing, release, forget",
                   "[store][limiter]", MemoryCounters, RedisCounters) {
  TestType backend;
  AttemptPolicy policy;  // 900 s max delay, forgotten after 900 s
  std::vector<AttemptRule> rules = {{"k:user", 2}, {"k:addr", 3}};
  for (int i = 0; i < 2; ++i) {
    auto wait = backend.a()->Reserve(rules, policy, kNow);
    REQUIRE(wait.ok());
    CHECK(*wait == 0);
  }
  // k:user has its 2 free failures: 2 s from the last one, on either replica.
  auto held = backend.b()->Reserve(rules, policy, kNow + 1);
  REQUIRE(held.ok());
  CHECK(*held == 1);
  auto counted = backend.b()->Get({"k:user", "k:addr"}, kNow + 1, 900);
  REQUIRE(counted.ok());
  CHECK((*counted)[0].failures == 2);  // the refused attempt counted nothing
  CHECK((*counted)[1].failures == 2);
  CHECK((*counted)[0].last_failure == kNow);
  // After the delay: one more, then 4 s.
  REQUIRE(*backend.a()->Reserve(rules, policy, kNow + 2) == 0);
  CHECK(*backend.b()->Reserve(rules, policy, kNow + 2) == 4);
  // Release: k:user cleared, k:addr refunded one.
  REQUIRE(backend.b()->Release({"k:user"}, {"k:addr"}).ok());
  auto released = backend.a()->Get({"k:user", "k:addr"}, kNow + 2, 900);
  REQUIRE(released.ok());
  CHECK((*released)[0].failures == 0);
  CHECK((*released)[1].failures == 2);
  // Refunding a record to zero forgets it; refunding nothing is harmless.
  REQUIRE(backend.a()->Release({}, {"k:addr", "k:addr", "k:addr", "k:none"}).ok());
  auto empty = backend.b()->Get({"k:addr", "k:none"}, kNow + 2, 900);
  REQUIRE(empty.ok());
  CHECK((*empty)[0].failures == 0);
  CHECK((*empty)[1].failures == 0);
  // Quiet for the forget period: a locked record starts over.
  for (int i = 0; i < 4; ++i) REQUIRE(backend.a()->Reserve({{"k:q", 0}}, policy, kNow + 10 * i).ok());
  CHECK(*backend.a()->Reserve({{"k:q", 0}}, policy, kNow + 31) > 0);
  CHECK(*backend.b()->Reserve({{"k:q", 0}}, policy, kNow + 30 + 900) == 0);
  auto restarted = backend.a()->Get({"k:q"}, kNow + 30 + 900, 900);
  REQUIRE(restarted.ok());
  CHECK((*restarted)[0].failures == 1);
}

TEMPLATE_TEST_CASE("login limits: 16 concurrent guesses against a limit of 5 verify at most 5",
                   "[store][limiter]", MemoryCounters, RedisCounters) {
  TestType backend;
  LoginLimiter::Limits limits;  // 5 per account+address
  LoginLimiter replica_a(limits, backend.a());
  LoginLimiter replica_b(limits, backend.b());
  constexpr int kThreads = 16;
  std::atomic<int> ready{0};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      LoginLimiter& limiter = i % 2 ? replica_a : replica_b;
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      auto wait = limiter.Reserve("alice", "203.0.113.9", kNow);
      if (wait.ok() && *wait == 0) admitted.fetch_add(1);  // would verify the password now
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(admitted.load() == 5);
}

TEMPLATE_TEST_CASE("login limits: other people's failures never refuse alice at her address",
                   "[store][limiter]", MemoryCounters, RedisCounters) {
  TestType backend;
  LoginLimiter replica_a(LoginLimiter::Limits{}, backend.a());
  LoginLimiter replica_b(LoginLimiter::Limits{}, backend.b());
  // A spray of random usernames, and guesses at alice, all from one attacker address.
  for (int i = 0; i < 15; ++i) Wait(replica_a, absl::StrCat("random-", i), "203.0.113.66", kNow);
  for (int i = 0; i < 5; ++i) Wait(replica_a, "alice", "203.0.113.66", kNow);
  CHECK(Wait(replica_b, "alice", "203.0.113.66", kNow) > 0);   // locked: alice there
  CHECK(Wait(replica_b, "mallory", "203.0.113.66", kNow) > 0); // throttled: the address
  // Alice at her own address: not held back, on either replica, at any time.
  CHECK(Wait(replica_b, "alice", "198.51.100.7", kNow) == 0);
  REQUIRE(replica_b.Succeeded("alice", "198.51.100.7").ok());
  CHECK(Wait(replica_a, "alice", "198.51.100.7", kNow + 1) == 0);
  REQUIRE(replica_a.Succeeded("alice", "198.51.100.7").ok());
}

TEMPLATE_TEST_CASE("login limits: successes take back their reservation at the address",
                   "[store][limiter]", MemoryCounters, RedisCounters) {
  TestType backend;
  LoginLimiter limiter(LoginLimiter::Limits{}, backend.a());  // 20 per address
  // A busy office behind one NAT address: 40 people sign in within a second.
  for (int i = 0; i < 40; ++i) {
    std::string user = absl::StrCat("user-", i);
    REQUIRE(Wait(limiter, user, "192.0.2.1", kNow) == 0);
    REQUIRE(limiter.Succeeded(user, "192.0.2.1").ok());
  }
  auto record = backend.a()->Get({LoginLimiter::AddressKey("192.0.2.1")}, kNow, 900);
  REQUIRE(record.ok());
  CHECK((*record)[0].failures == 0);
  // But a success does not clear the address's failures: a spray stays throttled.
  for (int i = 0; i < 20; ++i) Wait(limiter, absl::StrCat("random-", i), "192.0.2.9", kNow);
  REQUIRE(Wait(limiter, "user-1", "192.0.2.1", kNow) == 0);
  REQUIRE(limiter.Succeeded("user-1", "192.0.2.1").ok());
  CHECK(Wait(limiter, "random-x", "192.0.2.9", kNow) > 0);
}

TEST_CASE("login limiter keys cannot collide, whatever the username") {
  CHECK(LoginLimiter::AccountAddressKey("a", "b@c") !=
        LoginLimiter::AccountAddressKey("a@b", "c"));
  CHECK(LoginLimiter::AccountAddressKey("a:1", "x") != LoginLimiter::AddressKey("x"));
}

TEST_CASE("memory attempt table: a full table never drops a running lockout") {
  constexpr size_t kMax = 50;
  MemoryAttemptCounter counter(kMax);
  AttemptPolicy policy;
  // The victim's lock sorts first by name, where the old table evicted (begin()).
  const std::string victim = "!alice@198.51.100.7";
  for (int i = 0; i < 5; ++i) REQUIRE(*counter.Reserve({{victim, 5}}, policy, kNow) == 0);
  REQUIRE(*counter.Reserve({{victim, 5}}, policy, kNow) > 0);
  // An attacker fills the table many times over with fresh names.
  for (int i = 0; i < 10 * static_cast<int>(kMax); ++i) {
    REQUIRE(counter.Reserve({{absl::StrCat("spray-", i), 5}}, policy, kNow + 1).ok());
    REQUIRE(counter.size() <= kMax);
  }
  auto held = counter.Reserve({{victim, 5}}, policy, kNow + 1);
  REQUIRE(held.ok());
  CHECK(*held > 0);
  auto record = counter.Get({victim}, kNow + 1, 900);
  REQUIRE(record.ok());
  CHECK((*record)[0].failures == 5);
}

TEST_CASE("memory attempt table: forgotten entries go first, then the least remaining penalty") {
  MemoryAttemptCounter counter(3);
  AttemptPolicy policy;
  auto failures = [&](const std::string& key, int64_t now) {
    return counter.Get({key}, now, 900)->at(0).failures;
  };
  REQUIRE(counter.Reserve({{"old", 5}}, policy, kNow - 1000).ok());  // forgotten by now
  // One free failure, then 2 s, 4 s, 8 s. "long": locked until kNow + 4; "short": kNow + 2.
  for (int64_t t : {kNow - 10, kNow - 8, kNow - 4}) {
    REQUIRE(*counter.Reserve({{"long", 1}}, policy, t) == 0);
  }
  REQUIRE(*counter.Reserve({{"short", 1}}, policy, kNow) == 0);
  REQUIRE(counter.Reserve({{"new-1", 5}}, policy, kNow).ok());  // the table is full
  CHECK(failures("old", kNow - 1000) == 0);                       // forgotten: evicted first
  CHECK(failures("long", kNow) == 3);
  CHECK(failures("short", kNow) == 1);
  REQUIRE(counter.Reserve({{"new-2", 1}}, policy, kNow).ok());  // "new-1" held nobody back
  CHECK(failures("new-1", kNow) == 0);
  CHECK(failures("short", kNow) == 1);
  // At kNow + 2: "new-2" locked until kNow + 6, "long" until kNow + 4, "short" done.
  REQUIRE(*counter.Reserve({{"new-2", 1}}, policy, kNow + 2) == 0);
  REQUIRE(counter.Reserve({{"new-3", 5}}, policy, kNow + 2).ok());
  CHECK(failures("short", kNow + 2) == 0);
  CHECK(failures("long", kNow + 2) == 3);
  CHECK(failures("new-2", kNow + 2) == 2);
  CHECK(counter.size() == 3);
}

TEST_CASE("failed-login logs are capped per second, and say how many were left out") {
  LogBudget budget(2);
  int64_t left_out = -1;
  CHECK(budget.Allow(kNow, &left_out));
  CHECK(left_out == 0);
  CHECK(budget.Allow(kNow, &left_out));
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(budget.Allow(kNow, &left_out));
  CHECK(budget.Allow(kNow + 1, &left_out));
  CHECK(left_out == 1000);
  CHECK(budget.Allow(kNow + 1, &left_out));
  CHECK(left_out == 0);
}

}  // namespace nauthera
