#include "controller/kubeclient/http_kube_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/kubeclient/api_status.h"
#include "controller/kubeclient/cpprest_transport.h"
#include "controller/kubeclient/json_lines.h"
#include "controller/kubeclient/object_fields.h"
#include "controller/kubeclient/watch_event.h"

namespace nauthera::controller::kube {
namespace {

constexpr char kJson[] = "application/json";

std::string ContextOf(const TransportRequest& request) {
  return absl::StrCat(request.method, " ", request.path.substr(0, request.path.find('?')));
}

TransportRequest MakeRequest(const char* method, std::string path,
                             const QueryParams& query = {}) {
  TransportRequest request;
  request.method = method;
  request.path = std::move(path) + BuildQuery(query);
  return request;
}

void AddWriteOptions(const WriteOptions& options, QueryParams* query) {
  query->emplace_back("fieldManager", options.field_manager);
  if (options.dry_run) query->emplace_back("dryRun", "All");
}

}  // namespace

absl::string_view PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::kApply: return "application/apply-patch+yaml";  // JSON is YAML
  }
  return kJson;
}

absl::StatusOr<std::unique_ptr<HttpKubeClient>> HttpKubeClient::FromConfig(
    const KubeConfig& config) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport, NewCpprestTransport(config));
  return std::make_unique<HttpKubeClient>(std::move(transport), config.token);
}

HttpKubeClient::HttpKubeClient(std::unique_ptr<Transport> transport,
                               std::shared_ptr<TokenSource> token)
    : transport_(std::move(transport)), token_(std::move(token)) {}

absl::StatusOr<TransportResponse> HttpKubeClient::SendWithAuth(TransportRequest& request) {
  if (token_ != nullptr) request.bearer_token = token_->Token();
  absl::StatusOr<TransportResponse> response = transport_->Send(request);
  if (response.ok() && response->status == 401 && token_ != nullptr && token_->rotates()) {
    // A projected token may have rotated since it was read: read it again, try once more.
    token_->Invalidate();
    request.bearer_token = token_->Token();
    response = transport_->Send(request);
  }
  return response;
}

absl::StatusOr<Object> HttpKubeClient::Call(TransportRequest request) {
  ASSIGN_OR_RETURN(TransportResponse response, SendWithAuth(request));
  RETURN_IF_ERROR(
      StatusFromHttp(response.status, response.body, response.retry_after, ContextOf(request)));
  Object json = Object::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InternalError(absl::StrCat(ContextOf(request), ": the answer is not JSON"));
  }
  return json;
}

absl::StatusOr<Object> HttpKubeClient::DoGet(const ResourceRef& ref, absl::string_view ns,
                                           absl::string_view name) {
  ASSIGN_OR_RETURN(std::string path, ObjectPath(ref, ns, name));
  return Call(MakeRequest("GET", std::move(path)));
}

absl::StatusOr<ObjectList> HttpKubeClient::DoList(const ResourceRef& ref, absl::string_view ns,
                                                const ListOptions& options) {
  ASSIGN_OR_RETURN(std::string path, CollectionPath(ref, ns));
  QueryParams query = {{"labelSelector", options.label_selector},
                       {"fieldSelector", options.field_selector},
                       {"resourceVersion", options.resource_version},
                       {"resourceVersionMatch", options.resource_version_match},
                       {"continue", options.continue_token}};
  if (options.limit > 0) query.emplace_back("limit", absl::StrCat(options.limit));
  ASSIGN_OR_RETURN(Object json, Call(MakeRequest("GET", std::move(path), query)));
  ObjectList list;
  if (json.contains("items") && json["items"].is_array()) {
    list.items.reserve(json["items"].size());
    for (Object& item : json["items"]) list.items.push_back(std::move(item));
  }
  list.resource_version = StringAt(json, {"metadata", "resourceVersion"});
  list.continue_token = StringAt(json, {"metadata", "continue"});
  return list;
}

absl::StatusOr<Object> HttpKubeClient::DoCreate(const ResourceRef& ref, absl::string_view ns,
                                              const Object& object,
                                              const WriteOptions& options) {
  ASSIGN_OR_RETURN(std::string path, CollectionPath(ref, ref.namespaced ? ns : ""));
  if (ref.namespaced && ns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("create ", ref.resource, ": no namespace"));
  }
  QueryParams query;
  AddWriteOptions(options, &query);
  TransportRequest request = MakeRequest("POST", std::move(path), query);
  request.content_type = kJson;
  request.body = object.dump();
  return Call(std::move(request));
}

absl::StatusOr<Object> HttpKubeClient::DoUpdate(const ResourceRef& ref, absl::string_view ns,
                                              const Object& object,
                                              absl::string_view subresource,
                                              const WriteOptions& options) {
  ASSIGN_OR_RETURN(std::string path, ObjectPath(ref, ns, NameOf(object), subresource));
  QueryParams query;
  AddWriteOptions(options, &query);
  TransportRequest request = MakeRequest("PUT", std::move(path), query);
  request.content_type = kJson;
  request.body = object.dump();
  return Call(std::move(request));
}

absl::StatusOr<Object> HttpKubeClient::DoPatch(const ResourceRef& ref, absl::string_view ns,
                                             absl::string_view name, PatchType type,
                                             absl::string_view body,
                                             const PatchOptions& options,
                                             absl::string_view subresource) {
  ASSIGN_OR_RETURN(std::string path, ObjectPath(ref, ns, name, subresource));
  QueryParams query;
  AddWriteOptions(options, &query);
  if (type == PatchType::kApply) {
    // Server-side apply requires a field manager; force is only valid for apply.
    if (options.field_manager.empty()) {
      return absl::InvalidArgumentError("server-side apply needs a field manager");
    }
    if (options.force) query.emplace_back("force", "true");
  }
  TransportRequest request = MakeRequest("PATCH", std::move(path), query);
  request.content_type = std::string(PatchContentType(type));
  request.body = std::string(body);
  return Call(std::move(request));
}

absl::Status HttpKubeClient::DoDelete(const ResourceRef& ref, absl::string_view ns,
                                    absl::string_view name, const DeleteOptions& options) {
  ASSIGN_OR_RETURN(std::string path, ObjectPath(ref, ns, name));
  // meta/v1 DeleteOptions, sent as the body.
  Object body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  TransportRequest request = MakeRequest("DELETE", std::move(path));
  request.content_type = kJson;
  request.body = body.dump();
  return Call(std::move(request)).status();
}

absl::Status HttpKubeClient::DoWatch(const ResourceRef& ref, absl::string_view ns,
                                   const WatchOptions& options, const WatchHandler& handler,
                                   Cancellation* cancel) {
  ASSIGN_OR_RETURN(std::string path, CollectionPath(ref, ns));
  QueryParams query = {{"watch", "1"},
                       {"resourceVersion", options.resource_version},
                       {"labelSelector", options.label_selector},
                       {"fieldSelector", options.field_selector}};
  if (options.allow_bookmarks) query.emplace_back("allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) {
    query.emplace_back("timeoutSeconds", absl::StrCat(options.timeout_seconds));
  }
  TransportRequest request = MakeRequest("GET", std::move(path), query);
  // The server ends the watch at timeoutSeconds; give it a margin before we give up on it.
  request.timeout_seconds = options.timeout_seconds > 0 ? options.timeout_seconds + 30 : 0;
  if (token_ != nullptr) request.bearer_token = token_->Token();
  const std::string context = ContextOf(request) + " (watch)";

  LineSplitter splitter;
  absl::Status stream_status;  // an ERROR event, a broken line, a line too long
  auto on_line = [&](absl::string_view line) {
    absl::StatusOr<WatchEvent> event = ParseWatchLine(line, context);
    if (!event.ok()) {
      stream_status = event.status();
      return false;
    }
    return handler(*event);
  };
  bool stopped = false;
  auto on_chunk = [&](absl::string_view chunk) {
    absl::Status fed = splitter.Feed(chunk, [&](absl::string_view line) {
      stopped = !on_line(line);
      return !stopped;
    });
    if (!fed.ok()) stream_status = fed;
    return fed.ok() && !stopped;
  };
  absl::StatusOr<TransportResponse> response = transport_->Stream(request, on_chunk, cancel);
  if (!stream_status.ok()) return stream_status;
  if (!response.ok()) return response.status();
  if (response->status == 401 && token_ != nullptr) token_->Invalidate();
  RETURN_IF_ERROR(
      StatusFromHttp(response->status, response->body, response->retry_after, context));
  if (!stopped && !splitter.pending().empty()) {
    LogWarning("kube: watch stream ended inside an event", {{"request", context}});
  }
  return absl::OkStatus();
}

}  // namespace nauthera::controller::kube
