// The controller's Prometheus metrics, defined in one place.
#ifndef NAUTHERA_CONTROLLER_METRICS_CONTROLLER_METRICS_H_
#define NAUTHERA_CONTROLLER_METRICS_CONTROLLER_METRICS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace nauthera::controller {
namespace metric {

inline constexpr absl::string_view kSubscribers = "nauthera_controller_subscribers";
inline constexpr absl::string_view kStateAcks = "nauthera_controller_state_acks_total";
inline constexpr absl::string_view kStateNacks = "nauthera_controller_state_nacks_total";
inline constexpr absl::string_view kStatePeersRefused =
    "nauthera_controller_state_peers_refused_total";
inline constexpr absl::string_view kReconciles = "nauthera_controller_reconciles_total";
inline constexpr absl::string_view kReconcileSeconds = "nauthera_controller_reconcile_seconds";
inline constexpr absl::string_view kObjects = "nauthera_controller_objects";
inline constexpr absl::string_view kStatesPublished = "nauthera_controller_states_published_total";
inline constexpr absl::string_view kStateVersionInfo = "nauthera_controller_state_version_info";
inline constexpr absl::string_view kSigningKeys = "nauthera_signing_keys";
inline constexpr absl::string_view kKeyTransitions = "nauthera_signing_key_transitions_total";
inline constexpr absl::string_view kKeyNextTransition =
    "nauthera_signing_key_next_transition_timestamp_seconds";
inline constexpr absl::string_view kKeyStoreErrors = "nauthera_signing_key_store_errors_total";

}  // namespace metric

// Defines every metric above in Metrics::Global(). Idempotent.
void DefineControllerMetrics();

// `nauthera_controller_state_version_info{version="..."} 1`, rendered apart from the registry
// because an info metric has exactly one series, and the registry cannot drop old ones.
std::string RenderStateVersionInfo(absl::string_view version);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_METRICS_CONTROLLER_METRICS_H_
