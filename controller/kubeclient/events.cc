#include "controller/kubeclient/events.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/kubeclient/object_fields.h"

namespace nauthera::controller::kube {
namespace {
constexpr size_t kMaxNoteBytes = 1024;

std::string StringField(const Object& object, const char* field) {
  return StringAt(object, {field});
}
}  // namespace

Object ReferenceTo(const Object& object) {
  Object reference = {{"apiVersion", StringField(object, "apiVersion")},
                      {"kind", StringField(object, "kind")},
                      {"name", NameOf(object)}};
  if (std::string ns = NamespaceOf(object); !ns.empty()) reference["namespace"] = ns;
  if (std::string uid = UidOf(object); !uid.empty()) reference["uid"] = uid;
  if (std::string rv = ResourceVersionOf(object); !rv.empty()) reference["resourceVersion"] = rv;
  return reference;
}

Object MakeEvent(const EventSpec& spec, absl::Time now) {
  std::string regarding_name = StringField(spec.regarding, "name");
  std::string ns = StringField(spec.regarding, "namespace");
  if (ns.empty()) ns = "default";
  std::string note = spec.note.substr(0, kMaxNoteBytes);
  // eventTime is a MicroTime: RFC 3339 with microseconds.
  std::string event_time = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", now, absl::UTCTimeZone());
  return Object{
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", absl::StrFormat("%s.%x", regarding_name, absl::ToUnixNanos(now))},
        {"namespace", ns}}},
      {"eventTime", event_time},
      {"type", spec.type},
      {"reason", spec.reason},
      {"action", spec.action.empty() ? spec.reason : spec.action},
      {"note", note},
      {"regarding", spec.regarding},
      {"reportingController", spec.reporting_controller},
      {"reportingInstance",
       spec.reporting_instance.empty() ? spec.reporting_controller : spec.reporting_instance},
  };
}

absl::StatusOr<Object> CreateEvent(KubeClient& client, const EventSpec& spec, absl::Time now) {
  Object event = MakeEvent(spec, now);
  std::string ns = event["metadata"]["namespace"].get<std::string>();
  return client.Create(refs::Events(), ns, event);
}

}  // namespace nauthera::controller::kube
