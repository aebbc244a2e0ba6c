// Redirect URI matching (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3): exact string comparison, except
// that for loopback IP literals the port may differ (RFC 8252 §7.3), because native apps such
// as kubelogin bind whatever port is free.
#ifndef NAUTHERA_TOKENSERVER_OAUTH_REDIRECT_URI_H_
#define NAUTHERA_TOKENSERVER_OAUTH_REDIRECT_URI_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"

namespace nauthera {

bool RedirectUriMatches(const google::protobuf::RepeatedPtrField<std::string>& registered,
                        const std::string& requested);

// Whether two redirect URIs are the same: equal strings, or equal once an empty path is read
// as "/" (RFC 3986 §6.2.3: "http://localhost:8000" and "http://localhost:8000/" are one URI;
// kubelogin sends the first, openid-client the second). Nothing else is normalised.
bool SameRedirectUri(const std::string& a, const std::string& b);

// `uri` with `params` (already encoded "k=v&k=v") appended to its query.
std::string AppendQuery(const std::string& uri, const std::string& params);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_OAUTH_REDIRECT_URI_H_
