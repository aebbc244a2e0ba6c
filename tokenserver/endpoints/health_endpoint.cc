#include "tokenserver/endpoints/health_endpoint.h"

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera {

HttpResponse HandleHealthz() { return HttpResponse::Text(200, "ok\n"); }

HttpResponse HandleReadyz(const Snapshot* snapshot, const absl::Status& store) {
  if (snapshot == nullptr) {
    return HttpResponse::Text(503, "not ready: no state received from the controller yet\n");
  }
  if (!store.ok()) {
    return HttpResponse::Text(
        503, absl::StrCat("not ready: one-time store unavailable: ", store.message(), "\n"));
  }
  return HttpResponse::Text(200, absl::StrCat("ready: serving state ", snapshot->version(), "\n"));
}

HttpResponse HandleMetrics() {
  HttpResponse response = HttpResponse::Text(200, Metrics::Global().Render());
  response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return response;
}

}  // namespace nauthera
