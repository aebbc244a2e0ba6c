// /healthz (the process is alive), /readyz (it holds a state and can serve), /metrics.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_

#include "common/http/http_types.h"

namespace nauthera {

class Snapshot;

HttpResponse HandleHealthz();
// REQUIRES: snapshot is the current one, or nullptr before the first state.
HttpResponse HandleReadyz(const Snapshot* snapshot);
HttpResponse HandleMetrics();

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_HEALTH_ENDPOINT_H_
