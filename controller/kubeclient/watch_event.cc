#include "controller/kubeclient/watch_event.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "controller/kubeclient/api_status.h"

namespace nauthera::controller::kube {

absl::StatusOr<WatchEvent> ParseWatchLine(absl::string_view line, absl::string_view context) {
  Object json = Object::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json["type"].is_string() || !json["object"].is_object()) {
    return absl::InternalError(absl::StrCat(context, ": a watch stream line is not an event"));
  }
  const std::string type = json["type"].get<std::string>();
  WatchEvent event;
  if (type == "ADDED") {
    event.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    event.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    event.type = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    event.type = WatchEventType::kBookmark;
  } else if (type == "ERROR") {
    const Object& status = json["object"];
    int code = status.contains("code") && status["code"].is_number_integer()
                   ? status["code"].get<int>()
                   : 500;
    absl::Status error = StatusFromHttp(code, status.dump(), "", context);
    // An ERROR event always ends the watch; a code in 2xx would read as OK, which it is not.
    if (error.ok()) error = absl::InternalError(absl::StrCat(context, ": ERROR event ", status.dump()));
    return error;
  } else {
    return absl::InternalError(absl::StrCat(context, ": unknown watch event type \"", type, "\""));
  }
  event.object = std::move(json["object"]);
  return event;
}

}  // namespace nauthera::controller::kube
