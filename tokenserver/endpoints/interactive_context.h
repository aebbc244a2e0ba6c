// What the browser-facing endpoints (authorize, login, logout) share for one request.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_INTERACTIVE_CONTEXT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_INTERACTIVE_CONTEXT_H_

#include <cstdint>
#include <string>

#include "tokenserver/session/login_limiter.h"
#include "tokenserver/state/snapshot.h"
#include "tokenserver/store/one_time_store.h"

namespace nauthera {

struct InteractiveContext {
  const Snapshot& snapshot;
  OneTimeStore* store;
  LoginLimiter* limiter;
  int64_t now;
  // Who is asking, for the login limits and logs: the TCP peer, or the client a trusted
  // proxy names (tokenserver/http/client_address.h).
  std::string client_address;
};

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_INTERACTIVE_CONTEXT_H_
