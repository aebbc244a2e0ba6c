#include "tokenserver/oauth/authorization_request.h"

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tokenserver/oauth/grant_types.h"
#include "tokenserver/oauth/pkce.h"
#include "tokenserver/oauth/redirect_uri.h"
#include "tokenserver/oauth/scope.h"

namespace nauthera {
namespace {

using Outcome = AuthorizationCheck::Outcome;

AuthorizationCheck Page(std::string description) {
  AuthorizationCheck check;
  check.outcome = Outcome::kShowErrorPage;
  check.description = std::move(description);
  return check;
}

AuthorizationCheck Redirect(AuthorizationRequest request, OAuthErrorCode code,
                            std::string description) {
  return AuthorizationCheck{Outcome::kRedirectError, std::move(request),
                            MakeOAuthError(code, description), description};
}

AuthorizationCheck Redirect(AuthorizationRequest request, OAuthError error) {
  std::string description = error.description;
  return AuthorizationCheck{Outcome::kRedirectError, std::move(request), std::move(error),
                            std::move(description)};
}

// OIDC Core §6: request objects (by value or by reference) are not supported, and say so
// (§3.1.2.6) rather than being ignored: ignoring one drops the state and nonce it carries.
AuthorizationCheck CheckNoRequestObject(const Form& params, const AuthorizationRequest& request) {
  if (params.Has("request")) {
    return Redirect(request, OAuthErrorCode::kRequestNotSupported,
                    "request objects (the request parameter) are not supported; send the "
                    "parameters in the query");
  }
  if (params.Has("request_uri")) {
    return Redirect(request, OAuthErrorCode::kRequestUriNotSupported,
                    "request_uri is not supported; send the parameters in the query");
  }
  AuthorizationCheck ok;
  ok.outcome = Outcome::kOk;
  return ok;
}

// OIDC Core §3.1.2.1: a space-delimited list of none, login, consent, select_account; none
// with any other value is an error. Returns the values kept, in a fixed order.
absl::StatusOr<std::string> ParsePrompt(absl::string_view value) {
  bool none = false, login = false, consent = false;
  for (absl::string_view item : absl::StrSplit(value, ' ', absl::SkipEmpty())) {
    if (item == "none") {
      none = true;
    } else if (item == "login") {
      login = true;
    } else if (item == "consent") {
      consent = true;
    } else if (item != "select_account") {
      return absl::InvalidArgumentError(
          "prompt must be none, or any of login, consent, select_account");
    }
  }
  if (none && (login || consent || absl::StrContains(value, "select_account"))) {
    return absl::InvalidArgumentError("prompt=none cannot be combined with other values");
  }
  if (none) return std::string("none");
  if (login && consent) return std::string("login consent");
  return std::string(login ? "login" : consent ? "consent" : "");
}

// Steps after the redirect URI is trusted; errors go back to the client.
AuthorizationCheck CheckRest(const Form& params, const v1::Client& client,
                             AuthorizationRequest request) {
  // RFC 6749 §3.1.1 / OAuth 2.1: only the code flow; no implicit, no hybrid.
  std::string response_type = params.Get("response_type");
  if (response_type.empty()) {
    return Redirect(request, OAuthErrorCode::kInvalidRequest, "response_type is missing");
  }
  if (response_type != "code") {
    return Redirect(request, OAuthErrorCode::kUnsupportedResponseType,
                    "only response_type=code is supported");
  }
  std::string response_mode = params.Get("response_mode");
  if (!response_mode.empty() && response_mode != "query") {
    return Redirect(request, OAuthErrorCode::kInvalidRequest,
                    "only response_mode=query is supported");
  }
  // RFC 6749 §4.1.2.1: unauthorized_client (the rule of oauth/grant_types.h).
  if (!ClientMayUseGrant(client, kGrantAuthorizationCode)) {
    return Redirect(request, OAuthErrorCode::kUnauthorizedClient,
                    "this client may not use authorization_code");
  }
  // RFC 7636 §4.3, RFC 9700 §2.1.1: S256 only.
  std::string method = params.Get("code_challenge_method");
  request.code_challenge = params.Get("code_challenge");
  if (!request.code_challenge.empty() || !method.empty()) {
    if (method != "S256") {
      return Redirect(request, OAuthErrorCode::kInvalidRequest,
                      "code_challenge_method must be S256 (plain is not allowed)");
    }
    if (!IsValidCodeChallenge(request.code_challenge)) {
      return Redirect(request, OAuthErrorCode::kInvalidRequest,
                      "code_challenge is not a valid S256 challenge");
    }
  } else if (client.pkce_required() || client.policy().require_pkce()) {
    return Redirect(request, OAuthErrorCode::kInvalidRequest,
                    "PKCE is required: send code_challenge (S256)");
  }
  auto requested = ParseScope(params.Get("scope"));
  if (!requested.ok()) return Redirect(request, requested.error());
  auto granted = GrantScopes(requested.value(), client.registered_scopes(),
                             client.policy().allowed_scopes());
  if (!granted.ok()) return Redirect(request, granted.error());
  request.scopes = granted.value();
  request.nonce = params.Get("nonce");
  if (request.nonce.size() > 512) {
    return Redirect(request, OAuthErrorCode::kInvalidRequest, "nonce too long");
  }
  // OIDC Core §3.1.2.1: prompt and max_age.
  auto prompt = ParsePrompt(params.Get("prompt"));
  if (!prompt.ok()) {
    return Redirect(request, OAuthErrorCode::kInvalidRequest,
                    std::string(prompt.status().message()));
  }
  request.prompt = *prompt;
  std::string max_age = params.Get("max_age");
  if (!max_age.empty() && (!absl::SimpleAtoi(max_age, &request.max_age) || request.max_age < 0)) {
    return Redirect(request, OAuthErrorCode::kInvalidRequest,
                    "max_age must be a non-negative integer");
  }
  return AuthorizationCheck{Outcome::kOk, std::move(request), OAuthError{}, ""};
}

}  // namespace

bool HasPrompt(const AuthorizationRequest& request, absl::string_view value) {
  for (absl::string_view item : absl::StrSplit(request.prompt, ' ', absl::SkipEmpty())) {
    if (item == value) return true;
  }
  return false;
}

nlohmann::json AuthorizationRequest::ToJson() const {
  return {{"c", client_id}, {"r", redirect_uri}, {"s", state},     {"n", nonce},
          {"p", code_challenge}, {"sc", scopes}, {"pr", prompt}, {"ma", max_age}};
}

AuthorizationRequest AuthorizationRequest::FromJson(const nlohmann::json& json) {
  AuthorizationRequest r;
  r.client_id = json.value("c", "");
  r.redirect_uri = json.value("r", "");
  r.state = json.value("s", "");
  r.nonce = json.value("n", "");
  r.code_challenge = json.value("p", "");
  r.scopes = json.value("sc", std::vector<std::string>{});
  r.prompt = json.value("pr", "");
  r.max_age = json.value("ma", int64_t{-1});
  return r;
}

AuthorizationCheck CheckAuthorizationRequest(const Form& params, const Snapshot& snapshot) {
  AuthorizationRequest request;
  // 1. The client must be known; otherwise there is nowhere safe to send an error.
  request.client_id = params.Get("client_id");
  if (request.client_id.empty()) return Page("The request has no client_id.");
  const v1::Client* client = snapshot.FindClient(request.client_id);
  if (client == nullptr || client->kind() != v1::Client::OIDC_CLIENT) {
    return Page("The application that sent you here is not registered with Nauthera.");
  }
  // 2. The redirect URI must be registered, exactly (RFC 8252 §7.3 for loopback ports).
  request.redirect_uri = params.Get("redirect_uri");
  if (request.redirect_uri.empty()) {
    return Page("The request has no redirect_uri; the application must send one.");
  }
  if (!RedirectUriMatches(client->redirect_uris(), request.redirect_uri)) {
    return Page(absl::StrCat("The redirect URI \"", request.redirect_uri,
                             "\" is not registered for this application. An administrator can "
                             "add it to the OidcClient's spec.redirectUris."));
  }
  request.state = params.Get("state");
  // 3. Request objects are refused, back at the trusted redirect URI with state (OIDC Core
  // §3.1.2.6).
  if (AuthorizationCheck refused = CheckNoRequestObject(params, request);
      refused.outcome != Outcome::kOk) {
    return refused;
  }
  // 4. Everything else.
  return CheckRest(params, *client, std::move(request));
}

std::string RecheckClient(const AuthorizationRequest& request, const Snapshot& snapshot) {
  const v1::Client* client = snapshot.FindClient(request.client_id);
  if (client == nullptr || !RedirectUriMatches(client->redirect_uris(), request.redirect_uri)) {
    return "The application is no longer registered for this sign-in. Start again from the "
           "application.";
  }
  return "";
}

}  // namespace nauthera
