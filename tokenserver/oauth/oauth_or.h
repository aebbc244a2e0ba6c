// A value or the OAuth error that prevented it: what every step of an endpoint returns.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_OAUTH_OR_H_
#define NAUTHERA_TOKENSERVER_OAUTH_OAUTH_OR_H_

#include <utility>
#include <variant>

#include "tokenserver/oauth/oauth_error.h"

namespace nauthera {

template <typename T>
class OAuthOr {
 public:
  OAuthOr(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  OAuthOr(OAuthError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const OAuthError& error() const { return std::get<OAuthError>(v_); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, OAuthError> v_;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_OAUTH_OR_H_
