// Client authentication at the token endpoint (RFC 6749 §2.3, OpenID Connect Core §9):
// client_secret_basic, client_secret_post, and none (public clients, identified only).
#ifndef NAUTHERA_TOKENSERVER_OAUTH_CLIENT_AUTH_H_
#define NAUTHERA_TOKENSERVER_OAUTH_CLIENT_AUTH_H_

#include <string>

#include "common/http/http_types.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/oauth_or.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

struct AuthenticatedClient {
  const v1::Client* client = nullptr;
  // "client_secret_basic", "client_secret_post" or "none".
  std::string method;
};

// Finds the client and checks its credentials against the keyed hash in the snapshot, in
// constant time. Every failure is invalid_client (401) and says nothing about whether the
// client exists; the reason goes to the description only where it cannot help an attacker.
OAuthOr<AuthenticatedClient> AuthenticateClient(const HttpRequest& request, const Form& form,
                                                const Snapshot& snapshot);

// HMAC-SHA-256(salt, presented) compared in constant time with the stored digest.
bool SecretMatches(const v1::SecretHash& hash, absl::string_view presented);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_CLIENT_AUTH_H_
