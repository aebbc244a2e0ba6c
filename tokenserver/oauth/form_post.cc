#include "tokenserver/oauth/form_post.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace nauthera {
namespace {

OAuthError InvalidRequest(std::string description) {
  return MakeOAuthError(OAuthErrorCode::kInvalidRequest, std::move(description));
}

}  // namespace

OAuthOr<Form> ParseFormPost(const HttpRequest& request, absl::string_view endpoint_name) {
  if (request.method != "POST") {
    return InvalidRequest(absl::StrCat("the ", endpoint_name, " endpoint accepts only POST"));
  }
  if (FormBodyTooLarge(request)) {
    return InvalidRequest(absl::StrCat("request body larger than ", kMaxFormPostBytes, " bytes"));
  }
  const std::string* content_type = request.Header("content-type");
  if (content_type == nullptr || !IsFormContentType(*content_type)) {
    return InvalidRequest("Content-Type must be application/x-www-form-urlencoded");
  }
  if (!request.query.empty()) {
    return InvalidRequest("send parameters in the body, not in the URL query");
  }
  auto form = Form::Parse(request.body);
  if (!form.ok()) return InvalidRequest(std::string(form.status().message()));
  return *std::move(form);
}

}  // namespace nauthera
