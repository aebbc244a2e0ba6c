// Protocol names the API accepts: grant types (RFC 6749 §4, RFC 8628 §3.4) and token endpoint
// authentication methods (RFC 7591 §2), consent modes.
#ifndef NAUTHERA_CONTROLLER_API_WELL_KNOWN_H_
#define NAUTHERA_CONTROLLER_API_WELL_KNOWN_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nauthera::controller {

inline constexpr absl::string_view kGrantAuthorizationCode = "authorization_code";
inline constexpr absl::string_view kGrantRefreshToken = "refresh_token";
inline constexpr absl::string_view kGrantClientCredentials = "client_credentials";
inline constexpr absl::string_view kGrantDeviceCode =
    "urn:ietf:params:oauth:grant-type:device_code";

inline constexpr absl::string_view kAuthNone = "none";
inline constexpr absl::string_view kAuthClientSecretBasic = "client_secret_basic";
inline constexpr absl::string_view kAuthClientSecretPost = "client_secret_post";

inline constexpr absl::string_view kGrantTypes[] = {kGrantAuthorizationCode, kGrantRefreshToken,
                                                    kGrantClientCredentials, kGrantDeviceCode};
inline constexpr absl::string_view kAuthMethods[] = {kAuthNone, kAuthClientSecretBasic,
                                                     kAuthClientSecretPost};

// OidcClient spec.consent: when the consent page is shown (OIDC Core §3.1.2.4, §11).
inline constexpr absl::string_view kConsentRequired = "required";
inline constexpr absl::string_view kConsentSkip = "skip";        // only for offline_access
inline constexpr absl::string_view kConsentSkipAll = "skipAll";  // never
inline constexpr absl::string_view kConsentModes[] = {kConsentRequired, kConsentSkip,
                                                      kConsentSkipAll};

inline bool IsKnownGrantType(absl::string_view value) {
  for (absl::string_view known : kGrantTypes) {
    if (known == value) return true;
  }
  return false;
}

inline bool IsKnownAuthMethod(absl::string_view value) {
  for (absl::string_view known : kAuthMethods) {
    if (known == value) return true;
  }
  return false;
}

inline bool IsKnownConsentMode(absl::string_view value) {
  for (absl::string_view known : kConsentModes) {
    if (known == value) return true;
  }
  return false;
}

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_WELL_KNOWN_H_
