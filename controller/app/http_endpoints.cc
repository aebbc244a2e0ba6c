#include "controller/app/http_endpoints.h"

#include "common/metrics/metrics.h"
#include "controller/metrics/controller_metrics.h"

namespace nauthera::controller {

HttpHandler MakeControllerHttpHandler(HttpEndpointsDeps deps) {
  return [deps](const HttpRequest& request) {
    if (request.method != "GET" && request.method != "HEAD") {
      HttpResponse response = HttpResponse::Text(405, "method not allowed\n");
      response.SetHeader("Allow", "GET, HEAD");
      return response;
    }
    if (request.path == "/healthz") return HttpResponse::Text(200, "ok\n");
    if (request.path == "/readyz") {
      if (deps.ready->load()) return HttpResponse::Text(200, "ready\n");
      return HttpResponse::Text(503, "not ready: the first reconcile has not finished\n");
    }
    if (request.path == "/metrics") {
      std::string body = Metrics::Global().Render();
      std::string version = deps.state_version();
      if (!version.empty()) body += RenderStateVersionInfo(version);
      HttpResponse response = HttpResponse::Text(200, std::move(body));
      response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      return response;
    }
    if (deps.probes_and_metrics_only) {
      return HttpResponse::Text(404, "not found; try /healthz, /readyz or /metrics\n");
    }
    if (request.path == "/status") {
      HttpResponse response = HttpResponse::Json(200, deps.board->Json());
      response.SetHeader("Cache-Control", "no-store");
      return response;
    }
    if (request.path == "/keys" && deps.keys_json) {
      HttpResponse response = HttpResponse::Json(200, deps.keys_json());
      response.SetHeader("Cache-Control", "no-store");
      return response;
    }
    return HttpResponse::Text(404,
                              "not found; try /healthz, /readyz, /metrics, /status or /keys\n");
  };
}

}  // namespace nauthera::controller
