// What every grant handler receives: the parsed request, the authenticated client, the one
// snapshot this request reads, and the time.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_
#define NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_

#include <cstdint>

#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

struct GrantContext {
  const Form& form;
  const AuthenticatedClient& client;
  const Snapshot& snapshot;
  int64_t now;  // unix seconds
  OneTimeStore* store;
};

// How long a just-spent refresh token still returns the same successor, so parallel kubectl
// runs sharing one token do not fail. Reuse after that revokes the whole family.
inline constexpr int64_t kRefreshReuseGraceSeconds = 30;

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_
