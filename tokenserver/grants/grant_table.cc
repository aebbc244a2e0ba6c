#include "tokenserver/grants/grant_table.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/grants/authorization_code_grant.h"
#include "tokenserver/grants/client_credentials_grant.h"
#include "tokenserver/grants/refresh_token_grant.h"

namespace nauthera {
namespace {

constexpr Grant kGrants[] = {
    {kGrantAuthorizationCode, &HandleAuthorizationCodeGrant, false, true, "RFC 6749 §4.1"},
    {kGrantRefreshToken, &HandleRefreshTokenGrant, false, true, "RFC 6749 §6"},
    {kGrantClientCredentials, &HandleClientCredentialsGrant, true, false, "RFC 6749 §4.4"},
};

OAuthError UnauthorizedClient(std::string description, std::string detail) {
  return MakeOAuthError(OAuthErrorCode::kUnauthorizedClient, std::move(description),
                        std::move(detail));
}

}  // namespace

absl::Span<const Grant> Grants() { return kGrants; }

const Grant* FindGrant(absl::string_view grant_type) {
  for (const Grant& grant : kGrants) {
    if (grant.name == grant_type) return &grant;
  }
  return nullptr;
}

OAuthOr<bool> CheckGrantAllowed(const Grant& grant, const AuthenticatedClient& client) {
  const std::string& client_id = client.client->client_id();
  // RFC 6749 §2.1: a public client (authMethod none) cannot hold a grant meant for clients that
  // can keep a secret.
  if (grant.confidential_only && client.method == "none") {
    return UnauthorizedClient(
        absl::StrCat("public clients cannot use ", grant.name, " (", grant.spec, ")"),
        absl::StrCat("client ", client_id, " authenticated with none"));
  }
  // Registered in spec.grantTypes and allowed by every governing policy.
  if (!ClientMayUseGrant(*client.client, grant.name)) {
    return UnauthorizedClient(
        absl::StrCat("this client may not use ", grant.name,
                     "; it must be in the client's spec.grantTypes and allowed by its policies"),
        absl::StrCat("client ", client_id, " is not registered or allowed for ", grant.name));
  }
  return true;
}

std::vector<std::string> GrantTypesSupported(bool interactive) {
  std::vector<std::string> names;
  for (const Grant& grant : kGrants) {
    if (interactive || !grant.interactive) names.emplace_back(grant.name);
  }
  return names;
}

}  // namespace nauthera
