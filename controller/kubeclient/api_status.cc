#include "controller/kubeclient/api_status.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "controller/kubeclient/object_fields.h"
#include "nlohmann/json.hpp"

namespace nauthera::controller::kube {
namespace {

constexpr char kReasonUrl[] = "type.nauthera.io/kube.reason";
constexpr char kHttpStatusUrl[] = "type.nauthera.io/kube.http_status";
constexpr char kRetryAfterUrl[] = "type.nauthera.io/kube.retry_after_seconds";
constexpr size_t kMaxQuotedBody = 300;

// What a metav1.Status body tells, when the body is one.
struct KubeStatusBody {
  std::string message;
  std::string reason;
  std::optional<int64_t> retry_after_seconds;
  bool field_manager_conflict = false;
};

KubeStatusBody ParseBody(absl::string_view body) {
  KubeStatusBody out;
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || StringAt(json, {"kind"}) != "Status") {
    // Not written by the API server (a proxy, a load balancer): quote it, shortened and on
    // one line.
    std::string text(absl::StripAsciiWhitespace(body.substr(0, kMaxQuotedBody)));
    for (char& c : text) {
      if (absl::ascii_iscntrl(c)) c = ' ';
    }
    if (body.size() > kMaxQuotedBody) text += "...";
    out.message = text;
    return out;
  }
  out.message = StringAt(json, {"message"});
  out.reason = StringAt(json, {"reason"});
  if (const nlohmann::json* details = ObjectAt(json, {"details"}); details != nullptr) {
    if (details->contains("retryAfterSeconds") && (*details)["retryAfterSeconds"].is_number_integer()) {
      out.retry_after_seconds = (*details)["retryAfterSeconds"].get<int64_t>();
    }
    if (details->contains("causes") && (*details)["causes"].is_array()) {
      for (const nlohmann::json& cause : (*details)["causes"]) {
        if (cause.is_object() && StringAt(cause, {"reason"}) == "FieldManagerConflict") {
          out.field_manager_conflict = true;
        }
      }
    }
  }
  return out;
}

absl::StatusCode CodeFor(int http_status, const KubeStatusBody& body) {
  switch (http_status) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405: return absl::StatusCode::kUnimplemented;
    case 409:
      if (body.reason == "AlreadyExists") return absl::StatusCode::kAlreadyExists;
      if (body.field_manager_conflict) return absl::StatusCode::kFailedPrecondition;
      return absl::StatusCode::kAborted;
    case 410: return absl::StatusCode::kOutOfRange;
    case 413:
    case 422: return absl::StatusCode::kInvalidArgument;
    case 429: return absl::StatusCode::kUnavailable;
    default: break;
  }
  if (http_status >= 500 && http_status <= 599) return absl::StatusCode::kUnavailable;
  if (http_status >= 400 && http_status <= 499) return absl::StatusCode::kFailedPrecondition;
  return absl::StatusCode::kInternal;  // 1xx, 3xx: not something the API server sends us
}

std::optional<int64_t> ParseRetryAfterHeader(absl::string_view header) {
  // RFC 9110 §10.2.3: delay-seconds or an HTTP-date. The API server sends seconds.
  int64_t seconds = 0;
  if (absl::SimpleAtoi(absl::StripAsciiWhitespace(header), &seconds) && seconds >= 0) {
    return seconds;
  }
  return std::nullopt;
}

}  // namespace

absl::Status StatusFromHttp(int http_status, absl::string_view body,
                            absl::string_view retry_after, absl::string_view context) {
  if (http_status >= 200 && http_status <= 299) return absl::OkStatus();
  KubeStatusBody parsed = ParseBody(body);
  std::string message = absl::StrCat(context, ": ");
  absl::StrAppend(&message, parsed.message.empty() ? "(no message)" : parsed.message,
                  " (HTTP ", http_status);
  if (!parsed.reason.empty()) absl::StrAppend(&message, ", reason ", parsed.reason);
  message += ")";
  absl::Status status(CodeFor(http_status, parsed), message);
  status.SetPayload(kHttpStatusUrl, absl::Cord(absl::StrCat(http_status)));
  if (!parsed.reason.empty()) status.SetPayload(kReasonUrl, absl::Cord(parsed.reason));
  std::optional<int64_t> wait = ParseRetryAfterHeader(retry_after);
  if (!wait) wait = parsed.retry_after_seconds;
  if (wait) status.SetPayload(kRetryAfterUrl, absl::Cord(absl::StrCat(*wait)));
  return status;
}

absl::Status NetworkError(absl::string_view context, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(context, ": ", what));
}

std::string KubeReason(const absl::Status& status) {
  auto reason = status.GetPayload(kReasonUrl);
  return reason ? std::string(*reason) : std::string();
}

int HttpStatusOf(const absl::Status& status) {
  auto code = status.GetPayload(kHttpStatusUrl);
  int value = 0;
  if (!code || !absl::SimpleAtoi(std::string(*code), &value)) return 0;
  return value;
}

std::optional<absl::Duration> RetryAfter(const absl::Status& status) {
  auto seconds = status.GetPayload(kRetryAfterUrl);
  int64_t value = 0;
  if (!seconds || !absl::SimpleAtoi(std::string(*seconds), &value)) return std::nullopt;
  return absl::Seconds(value);
}

bool IsResourceExpired(const absl::Status& status) {
  return status.code() == absl::StatusCode::kOutOfRange && HttpStatusOf(status) == 410;
}

}  // namespace nauthera::controller::kube
