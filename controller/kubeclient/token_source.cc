#include "controller/kubeclient/token_source.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/log.h"

namespace nauthera::controller::kube {

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.empty()) return absl::InvalidArgumentError(absl::StrCat("token file ", path, " is empty"));
  return token;
}

TokenSource::TokenSource(std::string path, std::string token, absl::Duration reread_after,
                         Clock clock)
    : path_(std::move(path)),
      reread_after_(reread_after),
      clock_(std::move(clock)),
      token_(std::move(token)),
      read_at_(clock_()) {}

std::shared_ptr<TokenSource> TokenSource::Fixed(std::string token) {
  return std::shared_ptr<TokenSource>(
      new TokenSource("", std::move(token), absl::InfiniteDuration(), &absl::Now));
}

absl::StatusOr<std::shared_ptr<TokenSource>> TokenSource::FromFile(std::string path,
                                                                   absl::Duration reread_after,
                                                                   Clock clock) {
  absl::StatusOr<std::string> token = ReadTokenFile(path);
  if (!token.ok()) return token.status();
  return std::shared_ptr<TokenSource>(
      new TokenSource(std::move(path), *std::move(token), reread_after, std::move(clock)));
}

std::string TokenSource::Token() {
  absl::MutexLock lock(&mu_);
  if (path_.empty()) return token_;
  absl::Time now = clock_();
  if (!stale_ && now - read_at_ < reread_after_) return token_;
  absl::StatusOr<std::string> token = ReadTokenFile(path_);
  if (token.ok()) {
    token_ = *std::move(token);
  } else {
    LogWarning("kube: keeping the last token", {{"error", std::string(token.status().message())}});
  }
  read_at_ = now;
  stale_ = false;
  return token_;
}

void TokenSource::Invalidate() {
  absl::MutexLock lock(&mu_);
  stale_ = true;
}

}  // namespace nauthera::controller::kube
