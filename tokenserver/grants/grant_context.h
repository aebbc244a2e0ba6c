// What every grant handler receives: the parsed request, the authenticated client, the one
// snapshot this request reads, and the time.
#ifndef NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_
#define NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_

#include <cstdint>

#include "tokenserver/http/form.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

struct GrantContext {
  const Form& form;
  const AuthenticatedClient& client;
  const Snapshot& snapshot;
  int64_t now;  // unix seconds
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_GRANTS_GRANT_CONTEXT_H_
