// Transport on cpprestsdk's http_client: the one adapter between cpprestsdk (which throws) and
// absl::Status. TLS as a kubeconfig asks for it: the cluster CA pinned (it replaces the system
// trust store, so no other CA can vouch for the API server), a client certificate, or neither
// when the server URL is plain http.
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_CPPREST_TRANSPORT_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_CPPREST_TRANSPORT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "controller/kubeclient/kube_config.h"
#include "controller/kubeclient/transport.h"

namespace nauthera::controller::kube {

struct CpprestTransportOptions {
  int request_timeout_seconds = 30;  // Send(), unless the request says otherwise
  std::string user_agent = "nauthera-controller";
};

// Checks the CA, certificate and key now, so a broken kubeconfig fails here with a clear
// message rather than on the first request.
// Sizes cpprestsdk's shared thread pool (outbound requests only). Call once, before the
// first transport is made; the default is 40 threads.
void InitCpprestThreads(int threads);

absl::StatusOr<std::unique_ptr<Transport>> NewCpprestTransport(
    const KubeConfig& config, const CpprestTransportOptions& options = {});

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_CPPREST_TRANSPORT_H_
