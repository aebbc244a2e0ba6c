#include "tokenserver/oauth/authorization_response.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"
#include "common/crypto/random.h"
#include "common/util/url.h"
#include "tokenserver/oauth/redirect_uri.h"

namespace nauthera {
namespace {

HttpResponse Redirect(const std::string& location, int status) {
  HttpResponse response;
  response.status = status;
  response.SetHeader("Location", location);
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("Referrer-Policy", "no-referrer");
  return response;
}

std::string StateAndIssuer(const Snapshot& snapshot, const AuthorizationRequest& request) {
  std::string out;
  if (!request.state.empty()) absl::StrAppend(&out, "&state=", FormUrlEncode(request.state));
  absl::StrAppend(&out, "&iss=", FormUrlEncode(snapshot.issuer()));
  return out;
}

}  // namespace

HttpResponse RedirectWithCode(const Snapshot& snapshot, OneTimeStore* store,
                              const AuthorizationRequest& request, const v1::User& user,
                              int64_t auth_time, int64_t now, int status) {
  std::string code = RandomToken(32);
  CodeGrant grant{request.client_id, request.redirect_uri, request.code_challenge, request.nonce,
                  user.subject(),    request.scopes,       auth_time,
                  now + kCodeLifetimeSeconds};
  if (absl::Status stored = store->PutCode(Sha256(code), grant); !stored.ok()) {
    // RFC 6749 §4.1.2.1: temporarily_unavailable when the store cannot be reached.
    OAuthError error = StoreError(stored);
    error.description = "could not store the authorization code; try again shortly";
    return RedirectWithError(snapshot, request, error);
  }
  return Redirect(AppendQuery(request.redirect_uri,
                              absl::StrCat("code=", code, StateAndIssuer(snapshot, request))),
                  status);
}

HttpResponse RedirectWithError(const Snapshot& snapshot, const AuthorizationRequest& request,
                               const OAuthError& error) {
  return ToRedirectResponse(error,
                            RedirectTarget{request.redirect_uri, request.state, snapshot.issuer()});
}

}  // namespace nauthera
