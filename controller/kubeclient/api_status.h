// THE mapping from Kubernetes API answers to absl::Status, by what the caller should do next
// (STYLE.md): kUnavailable retry with backoff, kAborted re-read then retry, kOutOfRange relist,
// everything else do not retry as is. The API server's own message is kept, so a missing RBAC
// permission or a schema violation reads plainly in logs.
//
// API conventions, "HTTP Status codes" and "Response Status Kind":
// https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#http-status-codes
//
//   2xx                      OK
//   400 BadRequest           kInvalidArgument
//   401 Unauthorized         kUnauthenticated     (bad, expired or missing credentials)
//   403 Forbidden            kPermissionDenied    (RBAC: the message names verb and resource)
//   404 NotFound             kNotFound
//   405 MethodNotAllowed     kUnimplemented
//   409 AlreadyExists        kAlreadyExists       (create of an existing name)
//   409 Conflict             kAborted             (stale resourceVersion / precondition: re-read)
//   409 FieldManagerConflict kFailedPrecondition  (server-side apply: another manager owns a
//                                                   field; retrying will not help, force or stop)
//   410 Gone / Expired       kOutOfRange          (watch or continue token too old: relist)
//   413, 422 Invalid         kInvalidArgument     (with the field errors)
//   429 TooManyRequests      kUnavailable         (honour Retry-After)
//   5xx                      kUnavailable         (honour Retry-After)
//   network errors           kUnavailable         (NetworkError below)
//   anything else            kFailedPrecondition (4xx) or kInternal
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_API_STATUS_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_API_STATUS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace nauthera::controller::kube {

// Maps one answer. `body` is the response body (a Status object when the API server wrote
// it; anything else is quoted, shortened); `retry_after` the Retry-After header ("" if none);
// `context` says what was attempted ("GET /api/v1/namespaces/a/secrets/b"). The same function
// maps an ERROR watch event: pass its Status object's `code` and the object as `body`.
absl::Status StatusFromHttp(int http_status, absl::string_view body,
                            absl::string_view retry_after, absl::string_view context);

// A request that got no HTTP answer (connection refused or reset, TLS failure, timeout).
absl::Status NetworkError(absl::string_view context, absl::string_view what);

// The Status `reason` of a mapped answer ("AlreadyExists", "Conflict", "Expired", ...), or ""
// when the answer carried none.
std::string KubeReason(const absl::Status& status);

// The HTTP status of a mapped answer, or 0 (network error, not from StatusFromHttp).
int HttpStatusOf(const absl::Status& status);

// How long the server asked us to wait (Retry-After or details.retryAfterSeconds).
std::optional<absl::Duration> RetryAfter(const absl::Status& status);

// True for 410 Gone: the resourceVersion or continue token is too old; list again.
bool IsResourceExpired(const absl::Status& status);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_API_STATUS_H_
