// A small synchronous Redis client over hiredis: a bounded pool of connections, connect and
// command timeouts, reconnection, EVALSHA with EVAL fallback. Every failure to reach Redis is
// absl::StatusCode::kUnavailable; the client logs once when Redis goes away and once when it
// is back, and keeps the gauge nauthera_store_up.
#ifndef NAUTHERA_TOKENSERVER_STORE_REDIS_CLIENT_H_
#define NAUTHERA_TOKENSERVER_STORE_REDIS_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "tokenserver/store/redis_url.h"

struct redisContext;

namespace nauthera {

// A reply, copied out of hiredis.
struct RedisValue {
  enum class Type { kNil, kInteger, kString, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string string;
  std::vector<RedisValue> elements;

  bool is_nil() const { return type == Type::kNil; }
};

// A Lua script and its SHA-1 (the EVALSHA name).
class RedisScript {
 public:
  explicit RedisScript(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

class RedisClient {
 public:
  struct Options {
    RedisUrl url;
    int pool_size = 8;
    std::chrono::milliseconds timeout{1000};  // connect, and each command
    // After a failed connect, fail fast for this long instead of waiting on every request.
    std::chrono::milliseconds reconnect_backoff{250};
  };
  explicit RedisClient(Options options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  absl::StatusOr<RedisValue> Command(const std::vector<std::string>& argv);
  // EVALSHA, or EVAL when the server does not know the script (restarted, flushed).
  absl::StatusOr<RedisValue> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);
  // PING.
  absl::Status Ping();

  const Options& options() const { return options_; }

 private:
  absl::StatusOr<redisContext*> Acquire();
  void Release(redisContext* context, bool healthy);
  absl::StatusOr<redisContext*> Connect();
  absl::StatusOr<RedisValue> Run(redisContext* context, const std::vector<std::string>& argv,
                                 bool* healthy);
  void NoteUp();
  void NoteDown(const std::string& error);

  Options options_;
  Mutex mu_;
  CondVar released_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + in use
  std::chrono::steady_clock::time_point connect_not_before_ ABSL_GUARDED_BY(mu_);
  std::string last_connect_error_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> up_{-1};  // -1 unknown, 0 down, 1 up
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_REDIS_CLIENT_H_
