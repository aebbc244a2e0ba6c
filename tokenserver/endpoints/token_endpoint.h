// POST /oauth2/token (RFC 6749 §3.2): the shared checks in numbered steps, then one grant
// handler per grant_type (tokenserver/grants/).
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// REQUIRES: snapshot is the one state this request reads from start to end.
HttpResponse HandleTokenRequest(const HttpRequest& request, const Snapshot& snapshot,
                                int64_t now, OneTimeStore* store);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_TOKEN_ENDPOINT_H_
