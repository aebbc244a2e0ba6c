#include "tokenserver/store/redis_url.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/url.h"

namespace nauthera {
namespace {

absl::StatusOr<std::string> DecodeComponent(absl::string_view text) {
  std::optional<std::string> decoded = PercentDecode(text);
  if (!decoded) return absl::InvalidArgumentError("bad percent-encoding in --redis-url");
  return *std::move(decoded);
}

}  // namespace

std::string RedisUrl::Redacted() const {
  std::string host_part = absl::StrContains(host, ':') ? absl::StrCat("[", host, "]") : host;
  return absl::StrCat("redis://", password.empty() ? "" : "***@", host_part, ":", port, "/", db);
}

absl::StatusOr<RedisUrl> ParseRedisUrl(absl::string_view url) {
  if (absl::StartsWith(url, "rediss://")) {
    return absl::InvalidArgumentError(
        "rediss:// (TLS) is not supported: this build's hiredis (Debian libhiredis 0.14) has no "
        "TLS; reach Redis over a private network or a TLS tunnel (docs/redis.md)");
  }
  if (!absl::ConsumePrefix(&url, "redis://")) {
    return absl::InvalidArgumentError("--redis-url must start with redis://");
  }
  RedisUrl out;
  absl::string_view rest = url;
  size_t at = rest.rfind('@');
  if (at != absl::string_view::npos) {
    absl::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = userinfo.find(':');
    absl::string_view user = userinfo.substr(0, colon);
    absl::string_view pass =
        colon == absl::string_view::npos ? absl::string_view() : userinfo.substr(colon + 1);
    if (colon == absl::string_view::npos) {  // redis://password@host is a common shorthand
      pass = user;
      user = {};
    }
    auto decoded_user = DecodeComponent(user);
    auto decoded_pass = DecodeComponent(pass);
    if (!decoded_user.ok()) return decoded_user.status();
    if (!decoded_pass.ok()) return decoded_pass.status();
    out.username = *decoded_user;
    out.password = *decoded_pass;
  }
  size_t slash = rest.find('/');
  absl::string_view hostport = rest.substr(0, slash);
  if (slash != absl::string_view::npos) {
    absl::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!absl::SimpleAtoi(db, &out.db) || out.db < 0)) {
      return absl::InvalidArgumentError("--redis-url: the database after / must be a number");
    }
  }
  absl::string_view port;
  if (absl::StartsWith(hostport, "[")) {  // [IPv6]:port
    size_t close = hostport.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("--redis-url: bad host");
    }
    out.host = std::string(hostport.substr(1, close - 1));
    absl::string_view after = hostport.substr(close + 1);
    if (absl::ConsumePrefix(&after, ":")) {
      port = after;
    } else if (!after.empty()) {
      return absl::InvalidArgumentError("--redis-url: bad host");
    }
  } else {
    size_t colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != absl::string_view::npos) port = hostport.substr(colon + 1);
  }
  if (out.host.empty()) return absl::InvalidArgumentError("--redis-url: the host is missing");
  if (!port.empty() && (!absl::SimpleAtoi(port, &out.port) || out.port <= 0 || out.port > 65535)) {
    return absl::InvalidArgumentError("--redis-url: bad port");
  }
  return out;
}

}  // namespace nauthera
