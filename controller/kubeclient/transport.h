// The HTTP exchange HttpKubeClient needs, as plain types of our own: one implementation on
// cpprestsdk (cpprest_transport.h, the only file that sees cpprestsdk), fakes in unit tests.
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_TRANSPORT_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_TRANSPORT_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/kubeclient/cancellation.h"

namespace nauthera::controller::kube {

struct TransportRequest {
  std::string method;        // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;          // "/api/v1/namespaces/a/secrets?limit=5", already encoded
  std::string content_type;  // "" when there is no body
  std::string body;
  std::string bearer_token;  // "" for none
  // Client-side limit for the whole exchange; 0 for the transport's default.
  int timeout_seconds = 0;
};

struct TransportResponse {
  int status = 0;
  std::string body;         // for Stream() with a 2xx status: empty (handed to on_chunk)
  std::string retry_after;  // the Retry-After header, or ""
};

class Transport {
 public:
  // Return false to stop reading.
  using ChunkHandler = std::function<bool(absl::string_view chunk)>;

  virtual ~Transport() = default;

  // One request and its whole answer. No answer at all (refused, reset, TLS failure,
  // timeout) is kUnavailable. Never throws.
  virtual absl::StatusOr<TransportResponse> Send(const TransportRequest& request) = 0;

  // For watches. On a 2xx answer the body is handed to `on_chunk` as it arrives, in pieces cut
  // anywhere, never buffered whole; returns when the body ends or `on_chunk` returns false
  // (OK), when `cancel` fires (kCancelled) or the connection breaks (kUnavailable). Any other
  // answer is returned whole, as Send() would. `cancel` may be null. Never throws.
  virtual absl::StatusOr<TransportResponse> Stream(const TransportRequest& request,
                                                   const ChunkHandler& on_chunk,
                                                   Cancellation* cancel) = 0;
};

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_TRANSPORT_H_
