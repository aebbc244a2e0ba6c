#include "tokenserver/oauth/scope.h"

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {
namespace {

bool IsScopeTokenChar(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

bool Contains(const StringList& list, const std::string& value) {
  return absl::c_find(list, value) != list.end();
}

}  // namespace

OAuthOr<std::vector<std::string>> ParseScope(absl::string_view text) {
  std::vector<std::string> scopes;
  if (text.empty()) return scopes;
  // Bounded before any work, and linear: a request cannot buy CPU with a long scope.
  if (text.size() > kMaxScopeBytes) {
    return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                          absl::StrCat("scope is longer than ", kMaxScopeBytes, " bytes"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (absl::string_view token : absl::StrSplit(text, ' ')) {
    if (token.empty()) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            "scope must be scope names separated by single spaces");
    }
    if (token.size() > kMaxScopeTokenBytes) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            absl::StrCat("a scope name is longer than ", kMaxScopeTokenBytes,
                                         " bytes"));
    }
    if (!absl::c_all_of(token, [](char c) { return IsScopeTokenChar(c); })) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            "scope contains a character RFC 6749 §3.3 does not allow");
    }
    if (!seen.insert(token).second) continue;  // repeated tokens are folded
    if (scopes.size() == kMaxScopeTokens) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            absl::StrCat("more than ", kMaxScopeTokens, " scopes requested"));
    }
    scopes.emplace_back(token);
  }
  return scopes;
}

OAuthOr<std::vector<std::string>> GrantScopes(const std::vector<std::string>& requested,
                                              const StringList& registered,
                                              const StringList& policy_allowed) {
  std::vector<std::string> wanted = requested;
  if (wanted.empty()) wanted.assign(registered.begin(), registered.end());
  std::vector<std::string> granted;
  for (const std::string& scope : wanted) {
    if (!Contains(registered, scope)) {
      return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                            absl::StrCat("scope \"", scope, "\" is not among this client's "
                                         "allowedScopes"));
    }
    if (Contains(policy_allowed, scope)) granted.push_back(scope);
  }
  if (granted.empty() && !wanted.empty()) {
    return MakeOAuthError(OAuthErrorCode::kInvalidScope,
                          "the policies governing this client allow none of the requested "
                          "scopes");
  }
  return granted;
}

}  // namespace nauthera
