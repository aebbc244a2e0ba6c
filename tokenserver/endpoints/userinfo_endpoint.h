// GET/POST /oauth2/userinfo (OIDC Core §5.3) with a Bearer access token in the Authorization
// header (RFC 6750 §2.1) or, on a form-encoded POST, the access_token parameter (§2.2).
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// `store` answers whether the token's grant was revoked (a replayed code, RFC 6749 §4.1.2).
HttpResponse HandleUserinfo(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                            OneTimeStore* store);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_
