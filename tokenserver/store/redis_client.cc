#include "tokenserver/store/redis_client.h"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <poll.h>
#include <signal.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"

namespace nauthera {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisValue Convert(const redisReply* reply) {
  RedisValue value;
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      value.type = RedisValue::Type::kInteger;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      value.type = RedisValue::Type::kString;
      value.string.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ARRAY:
      value.type = RedisValue::Type::kArray;
      for (size_t i = 0; i < reply->elements; ++i) {
        value.elements.push_back(Convert(reply->element[i]));
      }
      break;
    default:
      break;
  }
  return value;
}

// Server states that pass (loading after a restart, a replica being promoted, a busy script,
// memory full, wrong credentials after a rotation): the store is unavailable, not broken.
bool TransientServerError(absl::string_view error) {
  for (absl::string_view prefix : {"LOADING", "READONLY", "MASTERDOWN", "BUSY", "OOM", "NOAUTH",
                                   "WRONGPASS", "TRYAGAIN", "CLUSTERDOWN", "MISCONF"}) {
    if (absl::StartsWith(error, prefix)) return true;
  }
  return false;
}

// True when the server closed the connection (or sent something unasked) while it sat in the
// pool: a Redis restart. Checked before reuse so the first request after a restart succeeds.
bool PeerClosed(const redisContext* context) {
  pollfd fd{context->fd, POLLIN, 0};
  return poll(&fd, 1, 0) != 0;
}

}  // namespace

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  sha1_ = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

RedisClient::RedisClient(Options options) : options_(std::move(options)) {
  // hiredis writes with write(2): a Redis that closed the connection between our liveness
  // check and the write would raise SIGPIPE and end the process. The error is reported by
  // write() (EPIPE) anyway, so ignore the signal unless the program set a handler.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    signal(SIGPIPE, SIG_IGN);
  }
  Metrics& m = Metrics::Global();
  m.DefineGauge("nauthera_store_up", "1 when the shared one-time store (Redis) answers, else 0");
  m.DefineCounter("nauthera_store_errors_total",
                  "Failed operations on the shared one-time store (Redis), by operation",
                  {"operation"});
  m.DefineHistogram("nauthera_store_request_duration_seconds",
                    "Latency of operations on the shared one-time store (Redis)", {"operation"},
                    {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.1, 1});
}

RedisClient::~RedisClient() {
  MutexLock lock(&mu_);
  for (redisContext* context : idle_) redisFree(context);
  idle_.clear();
}

void RedisClient::NoteUp() {
  if (up_.exchange(1) != 1) {
    Metrics::Global().Set("nauthera_store_up", {}, 1);
    LogInfo("redis reachable", {{"redis", options_.url.Redacted()}});
  }
}

void RedisClient::NoteDown(const std::string& error) {
  if (up_.exchange(0) != 0) {
    Metrics::Global().Set("nauthera_store_up", {}, 0);
    LogError("redis unavailable: token and login requests answer 503 until it is back",
             {{"redis", options_.url.Redacted()}, {"error", error}});
  }
}

absl::StatusOr<redisContext*> RedisClient::Connect() {
  {
    MutexLock lock(&mu_);
    if (std::chrono::steady_clock::now() < connect_not_before_) {
      return absl::UnavailableError(absl::StrCat("redis unavailable: ", last_connect_error_));
    }
  }
  std::string error;
  redisContext* context = redisConnectWithTimeout(options_.url.host.c_str(), options_.url.port,
                                                  ToTimeval(options_.timeout));
  if (context == nullptr) {
    error = "out of memory";
  } else if (context->err != 0) {
    error = context->errstr;
  } else {
    redisSetTimeout(context, ToTimeval(options_.timeout));
    redisEnableKeepAlive(context);
    std::vector<std::vector<std::string>> setup;
    if (!options_.url.password.empty()) {
      if (options_.url.username.empty()) {
        setup.push_back({"AUTH", options_.url.password});
      } else {
        setup.push_back({"AUTH", options_.url.username, options_.url.password});
      }
    }
    if (options_.url.db != 0) setup.push_back({"SELECT", std::to_string(options_.url.db)});
    for (const auto& argv : setup) {
      bool healthy = true;
      auto reply = Run(context, argv, &healthy);
      if (!reply.ok()) {
        error = absl::StrCat(argv[0], ": ", reply.status().message());
        break;
      }
    }
  }
  if (error.empty()) return context;
  if (context != nullptr) redisFree(context);
  std::string message =
      absl::StrCat("cannot connect to ", options_.url.Redacted(), ": ", error);
  {
    MutexLock lock(&mu_);
    connect_not_before_ = std::chrono::steady_clock::now() + options_.reconnect_backoff;
    last_connect_error_ = message;
  }
  NoteDown(message);
  return absl::UnavailableError(message);
}

absl::StatusOr<redisContext*> RedisClient::Acquire() {
  {
    MutexLock lock(&mu_);
    if (!released_.WaitWithTimeout(&mu_, absl::FromChrono(options_.timeout), [this] {
          mu_.AssertHeld();
          return !idle_.empty() || open_ < options_.pool_size;
        })) {
      return absl::UnavailableError("redis connection pool exhausted");
    }
    while (!idle_.empty()) {
      redisContext* context = idle_.back();
      idle_.pop_back();
      if (!PeerClosed(context)) return context;
      redisFree(context);  // closed by the server while idle: replace it
      --open_;
    }
    ++open_;  // a slot for the connection made below, outside the lock
  }
  auto context = Connect();
  if (!context.ok()) {
    MutexLock lock(&mu_);
    --open_;
    released_.Signal();
  }
  return context;
}

void RedisClient::Release(redisContext* context, bool healthy) {
  MutexLock lock(&mu_);
  if (healthy) {
    idle_.push_back(context);
  } else {
    redisFree(context);
    --open_;
  }
  released_.Signal();
}

absl::StatusOr<RedisValue> RedisClient::Run(redisContext* context,
                                            const std::vector<std::string>& argv,
                                            bool* healthy) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const std::string& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    // I/O error or timeout: the connection's state is unknown; drop it. The command may or
    // may not have run; callers do not retry it.
    *healthy = false;
    std::string error = context->errstr[0] != '\0' ? context->errstr : "connection lost";
    if (context->err == REDIS_ERR_IO && error == "Resource temporarily unavailable") {
      error = "timed out";
    }
    return absl::UnavailableError(absl::StrCat("redis: ", error));
  }
  absl::StatusOr<RedisValue> out;
  if (reply->type == REDIS_REPLY_ERROR) {
    std::string error(reply->str, reply->len);
    out = TransientServerError(error) ? absl::UnavailableError(absl::StrCat("redis: ", error))
                                      : absl::InternalError(absl::StrCat("redis: ", error));
  } else {
    out = Convert(reply);
  }
  freeReplyObject(reply);
  return out;
}

absl::StatusOr<RedisValue> RedisClient::Command(const std::vector<std::string>& argv) {
  auto context = Acquire();
  if (!context.ok()) return context.status();
  bool healthy = true;
  auto reply = Run(*context, argv, &healthy);
  Release(*context, healthy);
  if (absl::IsUnavailable(reply.status())) {
    NoteDown(std::string(reply.status().message()));
  } else {
    NoteUp();
  }
  return reply;
}

absl::StatusOr<RedisValue> RedisClient::Eval(const RedisScript& script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"EVALSHA", script.sha1(), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = Command(argv);
  if (!reply.ok() && absl::StrContains(reply.status().message(), "NOSCRIPT")) {
    argv[0] = "EVAL";
    argv[1] = script.source();
    reply = Command(argv);
  }
  return reply;
}

absl::Status RedisClient::Ping() {
  auto reply = Command({"PING"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace nauthera
