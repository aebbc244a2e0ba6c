#include "controller/reconcilers/oidc_client_validation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/url.h"
#include "controller/api/well_known.h"
#include "controller/api/yaml_reader.h"

namespace nauthera::controller {
namespace {

bool Has(const StringList& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

absl::Status CheckUris(const StringList& uris, absl::string_view path) {
  for (size_t i = 0; i < uris.size(); ++i) {
    absl::Status status = ValidateRedirectUri(uris[i]);
    if (!status.ok()) return FieldError(IndexPath(path, i), status.message());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRedirectUri(absl::string_view uri) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("\"", uri, "\" ", why));
  };
  absl::StatusOr<Url> url = ParseUrl(uri);
  if (!url.ok()) {
    return bad("is not an absolute URI (RFC 6749 §3.1.2); write it like "
               "https://app.example.com/callback");
  }
  if (uri.find('#') != absl::string_view::npos) {
    return bad("has a fragment, which RFC 6749 §3.1.2 forbids; remove the #...");
  }
  if (uri.find('*') != absl::string_view::npos) {
    return bad("has a wildcard; redirect URIs are matched exactly: list each one");
  }
  if (url->scheme == "javascript" || url->scheme == "data" || url->scheme == "file" ||
      url->scheme == "vbscript") {
    return bad(
        absl::StrCat("uses the ", url->scheme, ": scheme, which is never a redirect target"));
  }
  // RFC 8252 §8.3: plain http only for the loopback interface.
  if (url->scheme == "http" && !IsLoopbackHost(url->host)) {
    return bad("uses plain http to a host that is not loopback; use https (http is allowed "
               "only for localhost, 127.0.0.1 and ::1, RFC 8252 §7.3)");
  }
  return absl::OkStatus();
}

absl::Status ValidateOidcClientSpec(const OidcClientSpec& spec) {
  if (spec.grant_types.empty()) {
    return FieldError("spec.grantTypes", "must list at least one grant type");
  }
  for (size_t i = 0; i < spec.grant_types.size(); ++i) {
    if (!IsKnownGrantType(spec.grant_types[i])) {
      // The implicit and password grants are refused on purpose (OAuth 2.0 Security BCP).
      return FieldError(IndexPath("spec.grantTypes", i),
                        absl::StrCat("\"", spec.grant_types[i], "\" is not supported; use ",
                                     absl::StrJoin(kGrantTypes, ", ")));
    }
  }
  bool is_public = spec.auth_method == kAuthNone;
  if (is_public && !spec.pkce_required) {
    // RFC 8252 §8.1 / RFC 9700 §2.1.1: a public client is protected only by PKCE.
    return FieldError("spec.pkce.required",
                      "must be true when authMethod is none: a public client is protected only "
                      "by PKCE (RFC 8252 §8.1)");
  }
  if (is_public && Has(spec.grant_types, kGrantClientCredentials)) {
    return FieldError("spec.grantTypes",
                      "client_credentials needs a confidential client (RFC 6749 §4.4); remove "
                      "it or set authMethod to client_secret_basic or client_secret_post");
  }
  if (Has(spec.grant_types, kGrantAuthorizationCode) && spec.redirect_uris.empty()) {
    return FieldError("spec.redirectUris",
                      "must list at least one URI for the authorization_code grant");
  }
  absl::Status status = CheckUris(spec.redirect_uris, "spec.redirectUris");
  if (!status.ok()) return status;
  return CheckUris(spec.post_logout_redirect_uris, "spec.postLogoutRedirectUris");
}

}  // namespace nauthera::controller
