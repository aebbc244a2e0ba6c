// GET/POST /oauth2/userinfo (OIDC Core §5.3) with a Bearer access token (RFC 6750 §2.1).
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

HttpResponse HandleUserinfo(const HttpRequest& request, const Snapshot& snapshot, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_USERINFO_ENDPOINT_H_
