// --redis-url: redis://[[username]:password@]host[:port][/db]. The password may be
// percent-encoded (RFC 3986 §2.1). rediss:// (TLS) is refused: Debian bookworm's hiredis
// (0.14) has no TLS support; see docs/redis.md.
#ifndef NAUTHERA_TOKENSERVER_STORE_REDIS_URL_H_
#define NAUTHERA_TOKENSERVER_STORE_REDIS_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string username;  // Redis 6 ACL user; empty = "default"
  std::string password;  // empty = no AUTH
  int db = 0;

  // host:port/db, never the password: for logs.
  std::string Redacted() const;
};

absl::StatusOr<RedisUrl> ParseRedisUrl(absl::string_view url);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STORE_REDIS_URL_H_
