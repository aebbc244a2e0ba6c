// /healthz (the process is alive), /readyz (it holds a state and its one-time store answers),
// /metrics.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_

#include "absl/status/status.h"
#include "common/http/http_types.h"

namespace nauthera {

class Snapshot;

HttpResponse HandleHealthz();
// REQUIRES: snapshot is the current one, or nullptr before the first state; `store` is the
// one-time store's readiness (Redis reachable), OK for the in-memory store.
HttpResponse HandleReadyz(const Snapshot* snapshot, const absl::Status& store);
HttpResponse HandleMetrics();

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_
