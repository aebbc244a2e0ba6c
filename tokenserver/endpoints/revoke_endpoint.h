// POST /oauth2/revoke: OAuth 2.0 Token Revocation (RFC 7009).
//
// Refresh tokens are revoked with their whole family (RFC 7009 §2.1: the server MAY revoke the
// grant's other tokens). Access tokens are stateless JWTs that live a few minutes: they cannot
// be revoked one by one, so they are refused with unsupported_token_type (RFC 7009 §2.2.1).
// Unknown, invalid, expired, already revoked or other clients' tokens answer 200 and change
// nothing (RFC 7009 §2.2), so the answer never tells a client about tokens that are not its own.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_REVOKE_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_REVOKE_ENDPOINT_H_

#include <cstdint>

#include "common/http/http_types.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// REQUIRES: snapshot is the one state this request reads from start to end.
HttpResponse HandleRevoke(const HttpRequest& request, const Snapshot& snapshot, int64_t now,
                          OneTimeStore* store);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_REVOKE_ENDPOINT_H_
