// Decoding one line of a watch stream: {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR",
// "object":{...}} (metav1.WatchEvent). An ERROR event carries a metav1.Status; its code is
// mapped by StatusFromHttp like any HTTP answer, so a 410 inside the stream ("too old resource
// version") and a 410 answer to the request are the same kOutOfRange.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#watch-bookmarks
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_WATCH_EVENT_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_WATCH_EVENT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube {

// The event on `line`; an ERROR event as its mapped status; a line that is not a watch event
// as kInternal (the stream is then not to be trusted: the caller watches again).
absl::StatusOr<WatchEvent> ParseWatchLine(absl::string_view line, absl::string_view context);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_WATCH_EVENT_H_
