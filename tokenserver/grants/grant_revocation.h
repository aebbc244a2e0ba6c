// Ending everything issued under one grant when it is found stolen: a replayed authorization
// code (RFC 6749 §4.1.2: the server SHOULD revoke all tokens issued from it) or a reused
// refresh token (RFC 9700 §4.14.2). The refresh family stops refreshing and the access tokens
// carrying the grant id are refused at userinfo and introspection.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_GRANT_REVOCATION_H_
#define NAUTHERA_TOKENSERVER_GRANTS_GRANT_REVOCATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

// Slack for clocks between replicas, added to how long a revoked grant id is remembered.
inline constexpr int64_t kGrantRevocationSlackSeconds = 60;

// Revokes `grant_id` until every access token `client` could have been issued under it has
// expired (now + its policy's access token TTL + slack).
absl::Status RevokeIssuedUnder(OneTimeStore* store, const std::string& grant_id,
                               const v1::Client& client, int64_t now);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_GRANT_REVOCATION_H_
