#include "controller/metrics/controller_metrics.h"

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"

namespace nauthera::controller {

void DefineControllerMetrics() {
  Metrics& m = Metrics::Global();
  m.DefineGauge(metric::kSubscribers, "Token servers subscribed to the state stream.");
  m.DefineCounter(metric::kStateAcks, "States a token server applied.", {"node_id"});
  m.DefineCounter(metric::kStateNacks, "States a token server refused.", {"node_id"});
  m.DefineCounter(metric::kStatePeersRefused,
                  "Connections to the state socket refused: the peer runs as another user.");
  m.DefineCounter(metric::kReconciles, "Reconcile passes, by result.", {"result"});
  m.DefineHistogram(metric::kReconcileSeconds, "Duration of a reconcile pass.", {},
                    {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5});
  m.DefineGauge(metric::kObjects, "Objects by kind and Ready reason.", {"kind", "reason"});
  m.DefineCounter(metric::kStatesPublished, "New state versions published.");
  m.DefineGauge(metric::kSigningKeys, "Signing keys in the JWKS, by phase.", {"phase"});
  m.DefineCounter(metric::kKeyTransitions,
                  "Signing-key transitions (published, activated, retired, removed).",
                  {"transition"});
  m.DefineGauge(metric::kKeyNextTransition,
                "When the next signing-key transition is due (unix seconds; 0: none).");
  m.DefineCounter(metric::kKeyStoreErrors,
                  "Failed reads or writes of the signing-key Secret (retried).");
}

std::string RenderStateVersionInfo(absl::string_view version) {
  return absl::StrCat("# HELP ", metric::kStateVersionInfo,
                      " The state version being served to token servers.\n# TYPE ",
                      metric::kStateVersionInfo, " gauge\n", metric::kStateVersionInfo,
                      "{version=\"", version, "\"} 1\n");
}

}  // namespace nauthera::controller
