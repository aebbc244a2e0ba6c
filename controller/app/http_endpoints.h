// The controller's HTTP endpoints: /healthz (the process runs), /readyz (a first complete
// reconcile has published a State), /metrics (Prometheus text format), /status (every
// object's status as JSON), /keys (the signing keys' kids and rotation phases, never key
// material).
#ifndef NAUTHERA_CONTROLLER_APP_HTTP_ENDPOINTS_H_
#define NAUTHERA_CONTROLLER_APP_HTTP_ENDPOINTS_H_

#include <atomic>
#include <functional>
#include <string>

#include "common/http/http_types.h"
#include "controller/status/status_board.h"

namespace nauthera::controller {

struct HttpEndpointsDeps {
  const std::atomic<bool>* ready = nullptr;
  const StatusBoard* board = nullptr;
  // The state version on the stream ("" before the first).
  std::function<std::string()> state_version;
  // The /keys document.
  std::function<std::string()> keys_json;
  // The --metrics-listen listener: /healthz, /readyz and /metrics only.
  bool probes_and_metrics_only = false;
};

// REQUIRES: every pointer in `deps` outlives the handler.
HttpHandler MakeControllerHttpHandler(HttpEndpointsDeps deps);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_APP_HTTP_ENDPOINTS_H_
