// Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive scope-tokens.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_SCOPE_H_
#define NAUTHERA_TOKENSERVER_OAUTH_SCOPE_H_

#include <string>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "tokenserver/oauth/oauth_or.h"

namespace nauthera {

using StringList = google::protobuf::RepeatedPtrField<std::string>;

// Bounds on a requested scope, checked before any other work.
inline constexpr size_t kMaxScopeBytes = 4096;
inline constexpr size_t kMaxScopeTokenBytes = 256;
inline constexpr size_t kMaxScopeTokens = 64;

// Splits on single spaces and checks each scope-token's characters
// (%x21 / %x23-5B / %x5D-7E). Repeated tokens are folded (in linear time). invalid_scope on
// bad syntax or past a bound.
OAuthOr<std::vector<std::string>> ParseScope(absl::string_view text);

// What a client is granted: every requested scope must be one the client is registered for
// (otherwise invalid_scope naming it); of those, the ones its effective policy refuses are
// dropped, so narrowing a policy never breaks a pipeline (RFC 6749 §3.3 lets the server grant
// less and say so in the response's "scope"). No request means every registered scope.
OAuthOr<std::vector<std::string>> GrantScopes(const std::vector<std::string>& requested,
                                              const StringList& registered,
                                              const StringList& policy_allowed);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_SCOPE_H_
