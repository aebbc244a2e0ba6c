// Parsing and checking an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
// §3.1.2.1), in the order the specs require: until client_id and redirect_uri are known good,
// errors are shown on a page and never redirected (RFC 6749 §4.1.2.1); after that they go back
// to the client with error, state and iss.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_REQUEST_H_
#define NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_REQUEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/oauth_error.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

struct AuthorizationRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string state;
  std::string nonce;
  std::string code_challenge;  // S256
  std::vector<std::string> scopes;
  // OIDC Core §3.1.2.1: "", "none", or "login", "consent" or "login consent" (select_account
  // is accepted and dropped: there is one account per browser).
  std::string prompt;
  int64_t max_age = -1;  // -1: absent

  nlohmann::json ToJson() const;
  static AuthorizationRequest FromJson(const nlohmann::json& json);
};

// Whether `value` ("none", "login", "consent") is among the request's prompt values.
bool HasPrompt(const AuthorizationRequest& request, absl::string_view value);

struct AuthorizationCheck {
  enum class Outcome { kOk, kShowErrorPage, kRedirectError };
  Outcome outcome = Outcome::kOk;
  AuthorizationRequest request;  // kOk; for kRedirectError: client_id, redirect_uri, state
  OAuthError error;              // kRedirectError: what goes back to the client
  std::string description;       // kShowErrorPage: the page's text; else error.description
};

// REQUIRES: `params` are the request's parameters (query for GET, body for POST), already
// parsed without duplicates.
AuthorizationCheck CheckAuthorizationRequest(const Form& params, const Snapshot& snapshot);

// Re-checks a request carried through the login form against the snapshot now serving (the
// client or its redirect URIs may have changed meanwhile). Empty string when still valid.
std::string RecheckClient(const AuthorizationRequest& request, const Snapshot& snapshot);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_AUTHORIZATION_REQUEST_H_
