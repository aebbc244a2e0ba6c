// POST /oauth2/introspect: OAuth 2.0 Token Introspection (RFC 7662).
//
// Only confidential clients may ask (RFC 7662 §2.1 requires authorization; a public client's
// "authentication" proves nothing, §4). Access tokens (our RS256 JWTs) are active while their
// signature verifies against a published key (active, published-ahead or retired), `iss` is
// ours, `exp`/`nbf` hold, and their client and person still exist and are enabled. Refresh
// tokens are active only while they are the live token of an unexpired family, and only the
// client they were issued to learns about them. Everything else is {"active": false}, with no
// reason (RFC 7662 §2.2).
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_INTROSPECT_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_INTROSPECT_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// REQUIRES: snapshot is the one state this request reads from start to end.
HttpResponse HandleIntrospect(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                              OneTimeStore* store);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_INTROSPECT_ENDPOINT_H_
