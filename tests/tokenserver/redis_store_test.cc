// What only the Redis store has: URLs, key hygiene (hashes, TTLs), outages, restarts and
// timeouts, and how the token endpoint and /readyz answer while Redis is away.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/metrics/metrics.h"
#include "nlohmann/json.hpp"
#include "tests/tokenserver/redis_test_server.h"
#include "tests/tokenserver/test_state.h"
#include "tokenserver/http/router.h"
#include "tokenserver/session/login_limiter.h"
#include "tokenserver/store/redis_store.h"

namespace nauthera {
namespace {

constexpr int64_t kNow = 1'800'000'000;

RedisStore::Options OptionsFor(const std::string& url, const std::string& prefix) {
  RedisStore::Options options;
  options.client.url = *ParseRedisUrl(url);
  options.client.pool_size = 4;
  options.client.timeout = std::chrono::milliseconds(300);
  options.key_prefix = prefix;
  return options;
}

// Polls `ready` until it answers OK or 5 s pass (the reconnect backoff is 250 ms).
bool EventuallyReady(RedisStore& store) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (store.Ready().ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

CodeGrant Grant() {
  return CodeGrant{"client-1", "http://127.0.0.1:8000/cb", "", "", "sub-alice", {"openid"},
                   kNow, kNow + 60};
}

}  // namespace

TEST_CASE("redis URLs: host, port, database and credentials; rediss refused") {
  auto plain = ParseRedisUrl("redis://redis.nauthera-system.svc:6380/2");
  REQUIRE(plain.ok());
  CHECK(plain->host == "redis.nauthera-system.svc");
  CHECK(plain->port == 6380);
  CHECK(plain->db == 2);
  CHECK(plain->password.empty());

  auto defaults = ParseRedisUrl("redis://127.0.0.1");
  REQUIRE(defaults.ok());
  CHECK(defaults->port == 6379);
  CHECK(defaults->db == 0);

  auto password = ParseRedisUrl("redis://:p%40ss%3Aword@10.0.0.5:6379/0");
  REQUIRE(password.ok());
  CHECK(password->username.empty());
  CHECK(password->password == "p@ss:word");
  CHECK(password->Redacted() == "redis://***@10.0.0.5:6379/0");
  CHECK_FALSE(absl::StrContains(password->Redacted(), "p@ss"));

  auto acl = ParseRedisUrl("redis://nauthera:secret@[::1]:7000");
  REQUIRE(acl.ok());
  CHECK(acl->username == "nauthera");
  CHECK(acl->password == "secret");
  CHECK(acl->host == "::1");
  CHECK(acl->port == 7000);

  CHECK_FALSE(ParseRedisUrl("rediss://redis:6379").ok());
  CHECK(absl::StrContains(ParseRedisUrl("rediss://redis:6379").status().message(), "TLS"));
  CHECK_FALSE(ParseRedisUrl("http://redis:6379").ok());
  CHECK_FALSE(ParseRedisUrl("redis://:6379").ok());
  CHECK_FALSE(ParseRedisUrl("redis://redis:port").ok());
  CHECK_FALSE(ParseRedisUrl("redis://redis:6379/x").ok());
  CHECK_FALSE(ParseRedisUrl("redis://:bad%zz@redis").ok());
}

TEST_CASE("redis keys: namespaced, tokens only as SHA-256 hashes, every key has a TTL") {
  const std::string prefix = absl::StrCat("nauthera-hygiene-", getpid(), ":");
  RedisStore store(OptionsFor(testing::RedisTestServer::Shared().url(), prefix));
  const std::string code = "plain-code-value";
  const std::string token = "plain-refresh-value";
  REQUIRE(store.PutCode(Sha256(code), Grant()).ok());
  std::string family;
  REQUIRE(store.ConsumeCode(Sha256(code), "client-1", kNow + 1, &family).ok());
  RefreshFamily fam{"fam-hygiene", "client-1", "sub-alice", {"openid"}, kNow, kNow + 3600};
  REQUIRE(store.CreateFamily(fam, Sha256(token)).ok());
  REQUIRE(store.RotateRefreshToken("fam-hygiene", Sha256(token), Sha256("plain-successor"),
                                   "{}", kNow + 2)
              .ok());
  LoginLimiter limiter(LoginLimiter::Limits{}, &store);
  REQUIRE(limiter.Reserve("alice", "192.0.2.7", kNow).ok());

  RedisClient::Options client_options;
  client_options.url = *ParseRedisUrl(testing::RedisTestServer::Shared().url());
  RedisClient client(client_options);
  auto keys = client.Command({"KEYS", prefix + "*"});
  REQUIRE(keys.ok());
  // code, fam, rt x2, grace, login x2
  CHECK(keys->elements.size() == 7);
  for (const RedisValue& key : keys->elements) {
    INFO(key.string);
    CHECK_FALSE(absl::StrContains(key.string, "plain"));
    CHECK_FALSE(absl::StrContains(key.string, "alice"));
    CHECK_FALSE(absl::StrContains(key.string, "192.0.2.7"));
    auto ttl = client.Command({"TTL", key.string});
    REQUIRE(ttl.ok());
    CHECK(ttl->integer > 0);
  }
  auto code_key = client.Command({"EXISTS", absl::StrCat(prefix, "code:",
                                                        absl::BytesToHexString(Sha256(code)))});
  REQUIRE(code_key.ok());
  CHECK(code_key->integer == 1);
  auto grace_ttl = client.Command({"TTL", prefix + "grace:fam-hygiene"});
  REQUIRE(grace_ttl.ok());
  CHECK(grace_ttl->integer <= 60);
}

TEST_CASE("redis down: every operation is Unavailable, fast, and counted") {
  RedisStore store(OptionsFor(absl::StrCat("redis://127.0.0.1:", testing::FreeLoopbackPort()),
                              "nauthera-down:"));
  auto start = std::chrono::steady_clock::now();
  std::string family;
  CHECK(absl::IsUnavailable(store.PutCode(Sha256("c"), Grant())));
  CHECK(absl::IsUnavailable(
      store.ConsumeCode(Sha256("c"), "client-1", kNow, &family).status()));
  CHECK(absl::IsUnavailable(store.LinkCodeToFamily(Sha256("c"), "f")));
  CHECK(absl::IsUnavailable(
      store.CreateFamily(RefreshFamily{"f", "c", "s", {}, kNow, kNow + 60}, Sha256("t"))));
  CHECK(absl::IsUnavailable(store.LookupRefreshToken(Sha256("t"), kNow, 30).status()));
  CHECK(absl::IsUnavailable(store.RotateRefreshToken("f", Sha256("t"), Sha256("u"), "", kNow)));
  CHECK(absl::IsUnavailable(store.RevokeFamily("f")));
  CHECK(absl::IsUnavailable(store.Get({"u:x"}, kNow, 900).status()));
  CHECK(absl::IsUnavailable(store.Reserve({{"u:x", 5}}, AttemptPolicy{}, kNow).status()));
  CHECK(absl::IsUnavailable(store.Release({"u:x"}, {"a:x"})));
  CHECK(absl::IsUnavailable(store.Ready()));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  std::string metrics = Metrics::Global().Render();
  CHECK(absl::StrContains(metrics, "nauthera_store_errors_total{operation=\"consume_code\"}"));
  CHECK(absl::StrContains(metrics, "nauthera_store_up 0"));
}

TEST_CASE("redis restart: the store recovers by itself; the first request after it succeeds") {
  testing::RedisTestServer server;
  REQUIRE(server.Start().ok());
  RedisStore store(OptionsFor(server.url(), "nauthera-restart:"));
  REQUIRE(store.PutCode(Sha256("before"), Grant()).ok());

  // Restarted between two requests: the pooled connection is dead; it is replaced unseen.
  server.Stop();
  REQUIRE(server.Start().ok());
  CHECK(store.PutCode(Sha256("after-quick-restart"), Grant()).ok());

  // Down for a while: Unavailable, then back once it answers again.
  server.Stop();
  CHECK(absl::IsUnavailable(store.PutCode(Sha256("while-down"), Grant())));
  CHECK(absl::IsUnavailable(store.Ready()));
  REQUIRE(server.Start().ok());
  CHECK(EventuallyReady(store));
  std::string family;
  CHECK(store.PutCode(Sha256("after-restart"), Grant()).ok());
  CHECK(store.ConsumeCode(Sha256("after-restart"), "client-1", kNow + 1, &family).ok());
}

TEST_CASE("redis that stops answering: requests time out as Unavailable, then recover") {
  testing::RedisTestServer server;
  REQUIRE(server.Start().ok());
  RedisStore store(OptionsFor(server.url(), "nauthera-hang:"));  // 300 ms timeout
  REQUIRE(store.Ready().ok());
  REQUIRE(kill(server.pid(), SIGSTOP) == 0);
  auto start = std::chrono::steady_clock::now();
  absl::Status hung = store.PutCode(Sha256("hung"), Grant());
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(kill(server.pid(), SIGCONT) == 0);
  CHECK(absl::IsUnavailable(hung));
  CHECK(took >= std::chrono::milliseconds(250));
  CHECK(took < std::chrono::seconds(2));
  CHECK(EventuallyReady(store));
  CHECK(store.PutCode(Sha256("resumed"), Grant()).ok());
}

TEST_CASE("redis down: the token endpoint answers 503 temporarily_unavailable; readyz fails") {
  RedisStore store(OptionsFor(absl::StrCat("redis://127.0.0.1:", testing::FreeLoopbackPort()),
                              "nauthera-down:"));
  LoginLimiter limiter(LoginLimiter::Limits{}, &store);
  StateHolder state;
  state.Set(testing::TestSnapshot());
  Router router(&state, &store, &limiter, [] { return testing::kNow; });

  for (const std::string& body :
       {absl::StrCat("grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2Flocalhost"
                     "%3A8000&client_id=", testing::kPublicId, "&code_verifier=",
                     std::string(43, 'v')),
        absl::StrCat("grant_type=refresh_token&refresh_token=xyz&client_id=",
                     testing::kPublicId)}) {
    INFO(body);
    HttpRequest request = testing::TokenPost(body);
    HttpResponse response = router.Handle(request);
    CHECK(response.status == 503);
    CHECK(nlohmann::json::parse(response.body).value("error", "") == "temporarily_unavailable");
    CHECK(response.GetHeader("Retry-After") == "1");
    CHECK(response.GetHeader("Cache-Control") == "no-store");
  }
  // client_credentials needs no one-time state: it still works.
  HttpResponse cc = router.Handle(testing::TokenPost(
      absl::StrCat("grant_type=client_credentials&client_id=", testing::kSaId,
                   "&client_secret=", testing::kSaSecret)));
  CHECK(cc.status == 200);

  HttpRequest readyz;
  readyz.method = "GET";
  readyz.path = "/readyz";
  HttpResponse ready = router.Handle(readyz);
  CHECK(ready.status == 503);
  CHECK(absl::StrContains(ready.body, "one-time store unavailable"));
}

}  // namespace nauthera
