// KubeClient over HTTP: REST paths from ResourceRef, JSON bodies, answers mapped by
// StatusFromHttp, watches streamed line by line. The bearer token is attached per request and,
// when it comes from a file that rotates, re-read and retried once after a 401.
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_HTTP_KUBE_CLIENT_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_HTTP_KUBE_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "controller/kubeclient/kube_client.h"
#include "controller/kubeclient/kube_config.h"
#include "controller/kubeclient/token_source.h"
#include "controller/kubeclient/transport.h"

namespace nauthera::controller::kube {

class HttpKubeClient : public KubeClient {
 public:
  // Over cpprestsdk (cpprest_transport.h), as `config` says. (Not named Create(): that is
  // the API verb.)
  static absl::StatusOr<std::unique_ptr<HttpKubeClient>> FromConfig(const KubeConfig& config);

  // Over any transport (unit tests). `token` may be null.
  HttpKubeClient(std::unique_ptr<Transport> transport, std::shared_ptr<TokenSource> token);

 protected:
  absl::StatusOr<Object> DoGet(const ResourceRef& ref, absl::string_view ns,
                               absl::string_view name) override;
  absl::StatusOr<ObjectList> DoList(const ResourceRef& ref, absl::string_view ns,
                                    const ListOptions& options) override;
  absl::StatusOr<Object> DoCreate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, const WriteOptions& options) override;
  absl::StatusOr<Object> DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                  const Object& object, absl::string_view subresource,
                                  const WriteOptions& options) override;
  absl::StatusOr<Object> DoPatch(const ResourceRef& ref, absl::string_view ns,
                                 absl::string_view name, PatchType type, absl::string_view body,
                                 const PatchOptions& options,
                                 absl::string_view subresource) override;
  absl::Status DoDelete(const ResourceRef& ref, absl::string_view ns, absl::string_view name,
                        const DeleteOptions& options) override;
  absl::Status DoWatch(const ResourceRef& ref, absl::string_view ns, const WatchOptions& options,
                       const WatchHandler& handler, Cancellation* cancel) override;

 private:
  // Sends, retrying once with a re-read token after a 401, and maps the answer; the body of
  // a 2xx answer is parsed as JSON.
  absl::StatusOr<Object> Call(TransportRequest request);
  absl::StatusOr<TransportResponse> SendWithAuth(TransportRequest& request);

  std::unique_ptr<Transport> transport_;
  std::shared_ptr<TokenSource> token_;
};

// The Content-Type each patch type is sent with.
absl::string_view PatchContentType(PatchType type);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_HTTP_KUBE_CLIENT_H_
