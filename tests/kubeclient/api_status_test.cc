#include <catch2/catch.hpp>

#include <string>

#include "controller/kubeclient/api_status.h"

namespace nauthera::controller::kube {
namespace {

std::string KubeStatus(int code, const std::string& reason, const std::string& message,
                       const std::string& details = "{}") {
  return R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" +
         message + R"(","reason":")" + reason + R"(","details":)" + details +
         R"(,"code":)" + std::to_string(code) + "}";
}

TEST_CASE("API answers map to the status code that says what the caller should do") {
  using C = absl::StatusCode;
  auto [http, reason, details, code] = GENERATE(table<int, std::string, std::string, C>({
      {200, "", "{}", C::kOk},
      {201, "", "{}", C::kOk},
      {400, "BadRequest", "{}", C::kInvalidArgument},
      {401, "Unauthorized", "{}", C::kUnauthenticated},
      {403, "Forbidden", "{}", C::kPermissionDenied},
      {404, "NotFound", "{}", C::kNotFound},
      {405, "MethodNotAllowed", "{}", C::kUnimplemented},
      {409, "AlreadyExists", "{}", C::kAlreadyExists},
      {409, "Conflict", "{}", C::kAborted},
      {409, "Conflict", R"({"causes":[{"reason":"FieldManagerConflict","field":".data.a"}]})",
       C::kFailedPrecondition},
      {410, "Expired", "{}", C::kOutOfRange},
      {410, "Gone", "{}", C::kOutOfRange},
      {413, "RequestEntityTooLarge", "{}", C::kInvalidArgument},
      {415, "UnsupportedMediaType", "{}", C::kFailedPrecondition},
      {422, "Invalid", "{}", C::kInvalidArgument},
      {429, "TooManyRequests", "{}", C::kUnavailable},
      {500, "InternalError", "{}", C::kUnavailable},
      {503, "ServiceUnavailable", "{}", C::kUnavailable},
      {504, "Timeout", "{}", C::kUnavailable},
      {302, "", "{}", C::kInternal},
  }));
  CAPTURE(http, reason);
  absl::Status status =
      StatusFromHttp(http, KubeStatus(http, reason, "msg", details), "", "GET /api/v1/x");
  CHECK(status.code() == code);
  if (!status.ok()) {
    CHECK(KubeReason(status) == reason);
    CHECK(HttpStatusOf(status) == http);
    CHECK(IsResourceExpired(status) == (http == 410));
  }
}

TEST_CASE("a forbidden answer keeps the API server's message, so a missing RBAC rule is plain") {
  std::string message =
      "secrets is forbidden: User \\\"system:serviceaccount:default:nobody\\\" cannot list "
      "resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"default\\\"";
  absl::Status status = StatusFromHttp(403, KubeStatus(403, "Forbidden", message), "",
                                       "GET /api/v1/namespaces/default/secrets");
  CHECK(status.code() == absl::StatusCode::kPermissionDenied);
  CHECK(status.message() ==
        "GET /api/v1/namespaces/default/secrets: secrets is forbidden: User "
        "\"system:serviceaccount:default:nobody\" cannot list resource \"secrets\" in API group "
        "\"\" in the namespace \"default\" (HTTP 403, reason Forbidden)");
}

TEST_CASE("422 keeps the field errors for the person who wrote the object") {
  absl::Status status = StatusFromHttp(
      422,
      KubeStatus(422, "Invalid",
                 "OidcClient.auth.nauthera.io \\\"x\\\" is invalid: spec.redirectUris: Required "
                 "value"),
      "", "POST /apis/auth.nauthera.io/v1alpha1/namespaces/a/oidcclients");
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(status.message()).find("spec.redirectUris: Required value") !=
        std::string::npos);
}

TEST_CASE("Retry-After comes from the header, else from details.retryAfterSeconds") {
  absl::Status from_header = StatusFromHttp(429, KubeStatus(429, "TooManyRequests", "slow down"),
                                            "7", "GET /x");
  REQUIRE(RetryAfter(from_header).has_value());
  CHECK(*RetryAfter(from_header) == absl::Seconds(7));
  absl::Status from_body = StatusFromHttp(
      504, KubeStatus(504, "Timeout", "later", R"({"retryAfterSeconds":3})"), "", "GET /x");
  REQUIRE(RetryAfter(from_body).has_value());
  CHECK(*RetryAfter(from_body) == absl::Seconds(3));
  CHECK_FALSE(RetryAfter(StatusFromHttp(503, "", "", "GET /x")).has_value());
  // The header wins over the body.
  absl::Status both = StatusFromHttp(
      503, KubeStatus(503, "ServiceUnavailable", "x", R"({"retryAfterSeconds":9})"), "2",
      "GET /x");
  CHECK(*RetryAfter(both) == absl::Seconds(2));
}

TEST_CASE("an answer not written by the API server is quoted, shortened, on one line") {
  std::string html = "<html>\n<body>bad gateway</body>\n</html>" + std::string(1000, 'x');
  absl::Status status = StatusFromHttp(502, html, "", "GET /x");
  CHECK(status.code() == absl::StatusCode::kUnavailable);
  std::string message(status.message());
  CHECK(message.find('\n') == std::string::npos);
  CHECK(message.size() < 400);
  CHECK(message.find("bad gateway") != std::string::npos);
  CHECK(KubeReason(status).empty());
}

TEST_CASE("network errors are kUnavailable and carry no HTTP status") {
  absl::Status status = NetworkError("GET /api/v1/x", "connection refused");
  CHECK(status.code() == absl::StatusCode::kUnavailable);
  CHECK(HttpStatusOf(status) == 0);
  CHECK_FALSE(IsResourceExpired(status));
  CHECK_FALSE(IsResourceExpired(absl::OutOfRangeError("not from the API")));
}

}  // namespace
}  // namespace nauthera::controller::kube
