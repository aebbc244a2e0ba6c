#include "tokenserver/oauth/client_auth.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/hashing.h"
#include "common/encoding/base64.h"

namespace nauthera {
namespace {

struct PresentedCredentials {
  std::string client_id;
  std::string client_secret;
  std::string method;
};

OAuthError InvalidClient(std::string description, bool basic) {
  OAuthError error = MakeOAuthError(OAuthErrorCode::kInvalidClient, std::move(description));
  error.basic_auth_used = basic;
  return error;
}

// RFC 7617 §2 + RFC 6749 §2.3.1: base64("urlencoded(id):urlencoded(secret)").
OAuthOr<PresentedCredentials> ParseBasic(absl::string_view header) {
  absl::string_view value = absl::StripAsciiWhitespace(header);
  if (value.size() < 6 || !absl::EqualsIgnoreCase(value.substr(0, 6), "basic ")) {
    return InvalidClient("unsupported Authorization scheme; use HTTP Basic or client_secret_post",
                         true);
  }
  auto decoded = Base64Decode(absl::StripAsciiWhitespace(value.substr(6)));
  size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos) {
    return InvalidClient("malformed HTTP Basic credentials", true);
  }
  auto id = FormUrlDecode(absl::string_view(*decoded).substr(0, colon));
  auto secret = FormUrlDecode(absl::string_view(*decoded).substr(colon + 1));
  if (!id.ok() || !secret.ok() || id->empty()) {
    return InvalidClient("malformed HTTP Basic credentials", true);
  }
  return PresentedCredentials{*id, *secret, "client_secret_basic"};
}

OAuthOr<PresentedCredentials> ExtractCredentials(const HttpRequest& request, const Form& form) {
  const std::string* authorization = request.Header("authorization");
  if (authorization != nullptr) {
    // RFC 6749 §2.3: the client MUST NOT use more than one authentication method.
    if (form.Has("client_secret")) {
      return MakeOAuthError(OAuthErrorCode::kInvalidRequest,
                            "client credentials sent both in the Authorization header and in "
                            "the body; use exactly one method");
    }
    auto basic = ParseBasic(*authorization);
    if (!basic.ok()) return basic;
    if (form.Has("client_id") && form.Get("client_id") != basic->client_id) {
      return MakeOAuthError(OAuthErrorCode::kInvalidRequest,
                            "client_id in the body differs from the HTTP Basic user");
    }
    return basic;
  }
  if (!form.Has("client_id")) {
    return InvalidClient(
        "no client authentication: send client_id and client_secret, or HTTP Basic", false);
  }
  if (form.Has("client_secret")) {
    return PresentedCredentials{form.Get("client_id"), form.Get("client_secret"),
                                "client_secret_post"};
  }
  return PresentedCredentials{form.Get("client_id"), "", "none"};
}

// RFC 6749 §5.2 invalid_client: the one answer to every failed authentication.
OAuthError AuthenticationFailed(bool basic, std::string detail) {
  OAuthError error = InvalidClient("client authentication failed", basic);
  error.detail = std::move(detail);
  return error;
}

// Spends the same work as a real check, so response time does not reveal which ids exist.
void SpendDummyCheck(absl::string_view presented) {
  static const v1::SecretHash kDummy = [] {
    v1::SecretHash hash;
    hash.set_salt("nauthera-dummy-salt");
    hash.set_digest(std::string(32, '\0'));
    return hash;
  }();
  SecretMatches(kDummy, presented);  // declared in client_auth.h
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              absl::string_view value) {
  return absl::c_any_of(list, [&](const std::string& item) { return item == value; });
}

}  // namespace

bool SecretMatches(const v1::SecretHash& hash, absl::string_view presented) {
  return ConstantTimeEquals(HmacSha256(hash.salt(), presented), hash.digest());
}

OAuthOr<AuthenticatedClient> AuthenticateClient(const HttpRequest& request, const Form& form,
                                                const Snapshot& snapshot) {
  auto presented = ExtractCredentials(request, form);
  if (!presented.ok()) return presented.error();
  bool basic = presented->method == "client_secret_basic";
  const v1::Client* client = snapshot.FindClient(presented->client_id);
  // Unknown client, a confidential client presented without its secret, a wrong secret: one
  // answer, word for word (status, error, description, challenge), so nothing tells a stranger
  // which client ids exist or how they authenticate. The reason is logged only (`detail`).
  if (client == nullptr) {
    SpendDummyCheck(presented->client_secret);
    return AuthenticationFailed(basic,
                                "unknown client_id " + presented->client_id.substr(0, 64));
  }
  if (presented->method == "none") {
    if (!Contains(client->auth_methods(), "none")) {
      SpendDummyCheck(presented->client_secret);
      return AuthenticationFailed(basic, "no secret presented for confidential client " +
                                             presented->client_id);
    }
    return AuthenticatedClient{client, "none"};
  }
  if (!client->has_secret_hash() || !SecretMatches(client->secret_hash(),
                                                   presented->client_secret)) {
    return AuthenticationFailed(basic, "wrong secret for client " + presented->client_id);
  }
  // Checked after the secret, so the answer never tells a stranger how a client is registered.
  if (!Contains(client->auth_methods(), presented->method) ||
      !Contains(client->policy().allowed_auth_methods(), presented->method)) {
    return InvalidClient(absl::StrCat("this client may not authenticate with ", presented->method,
                                      "; allowed: ", absl::StrJoin(client->auth_methods(), ", ")),
                         basic);
  }
  return AuthenticatedClient{client, presented->method};
}

}  // namespace nauthera
