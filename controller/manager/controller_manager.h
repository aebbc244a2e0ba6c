// One level-based reconcile pass over the complete current set of objects, in the manner of
// controller-runtime: every pass recomputes everything from what exists now (never from what
// changed), so it is idempotent and a missed event cannot leave anything behind.
//
// A pass: reconcile each client and service account (credentials, effective policy, status),
// then the policies' and namespaces' statuses, then delete the credentials of removed
// objects, then build, check, version and publish the State, then publish statuses.
#ifndef NAUTHERA_CONTROLLER_MANAGER_CONTROLLER_MANAGER_H_
#define NAUTHERA_CONTROLLER_MANAGER_CONTROLLER_MANAGER_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "controller/keys/key_ring.h"
#include "controller/reconcilers/credentials_reconciler.h"
#include "controller/snapshot/state_builder.h"
#include "controller/snapshot/state_versioner.h"
#include "controller/source/source.h"
#include "controller/status/object_status.h"
#include "controller/status/status_board.h"
#include "controller/sync/state_broadcaster.h"

namespace nauthera::controller {

class ControllerManager {
 public:
  struct Options {
    IssuerSettings issuer;
    // Unix seconds now; injectable for tests.
    std::function<int64_t()> clock;
  };

  // Every reference must outlive the manager.
  ControllerManager(Options options, CredentialStore& store, const KeyRing& keys,
                    StateBroadcaster& broadcaster, StatusBoard& board);

  // One pass over `source`. Fails only when the State could not be published (it then keeps
  // the last good one on the stream) or status files could not be written.
  absl::Status Reconcile(const SourceState& source);

  CredentialsReconciler& credentials() { return credentials_; }

  // The longest access or ID token lifetime of any served client (the defaults before the
  // first pass): how long a retired signing key must stay published.
  int64_t max_token_ttl_seconds() const { return max_token_ttl_seconds_; }

  // The version on the stream, "" before the first publish.
  std::string state_version() const { return published_version_; }

 private:
  struct Pass;  // what one pass accumulates
  void ReconcileClients(const SourceState& source, Pass& pass);
  void ReconcileUsers(const SourceState& source, Pass& pass);
  void ReconcileOthers(const SourceState& source, Pass& pass);
  void ReportDecodeErrors(const SourceState& source, Pass& pass);
  void CollectGarbage(const SourceState& source);
  absl::Status Publish(Pass& pass);

  Options options_;
  CredentialsReconciler credentials_;
  const KeyRing& keys_;
  StateBroadcaster& broadcaster_;
  StatusBoard& board_;
  StateVersioner versioner_;
  std::string published_version_;
  int64_t max_token_ttl_seconds_ = 15 * 60;  // the default lifetimes
  std::string last_gc_note_;
  std::set<std::pair<std::string, std::string>> object_series_;  // (kind, reason) gauges
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_MANAGER_CONTROLLER_MANAGER_H_
