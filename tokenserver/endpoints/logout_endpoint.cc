#include "tokenserver/endpoints/logout_endpoint.h"

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/util/url.h"
#include "tokenserver/oauth/form.h"
#include "tokenserver/oauth/form_post.h"
#include "tokenserver/oauth/redirect_uri.h"
#include "tokenserver/session/login_session.h"
#include "tokenserver/tokens/jwt_verifier.h"
#include "tokenserver/web/html.h"

namespace nauthera {
namespace {

HttpResponse SignedOutPage() {
  return HtmlPage(200, "Signed out",
                  "<div class=\"card\"><p class=\"brand\">Nauthera</p><h1>You are signed out</h1>"
                  "<p class=\"sub\">You can close this window.</p></div>");
}

// The client the request speaks for: from id_token_hint's aud, or client_id; both must agree.
absl::StatusOr<const v1::Client*> LogoutClient(const Form& params, const Snapshot& snapshot,
                                               int64_t now) {
  std::string client_id = params.Get("client_id");
  std::string hint = params.Get("id_token_hint");
  if (!hint.empty()) {
    auto claims = VerifyJwt(snapshot, hint, {"JWT", true}, now);
    if (!claims.ok()) return absl::InvalidArgumentError("The id_token_hint is not valid.");
    std::string aud = (*claims)["aud"].is_string() ? (*claims)["aud"].get<std::string>() : "";
    if (!client_id.empty() && client_id != aud) {
      return absl::InvalidArgumentError("client_id does not match the id_token_hint.");
    }
    client_id = aud;
  }
  if (client_id.empty()) return nullptr;
  const v1::Client* client = snapshot.FindClient(client_id);
  if (client == nullptr) return absl::InvalidArgumentError("The application is not registered.");
  return client;
}

}  // namespace

HttpResponse HandleLogout(const HttpRequest& request, const Snapshot& snapshot, int64_t now) {
  // 1. Parameters from the query (GET) or the form body (POST), once each.
  absl::StatusOr<Form> params = absl::InvalidArgumentError("use GET or POST");
  const std::string* type = request.Header("content-type");
  if (request.method == "GET") {
    params = Form::Parse(request.query);
  } else if (request.method == "POST" && type != nullptr && IsFormContentType(*type) &&
             !FormBodyTooLarge(request)) {
    params = Form::Parse(request.body);
  }
  if (!params.ok()) {
    return ErrorPage(400, "Invalid sign-out request", std::string(params.status().message()));
  }
  auto client = LogoutClient(*params, snapshot, now);
  if (!client.ok()) {
    return ErrorPage(400, "Invalid sign-out request", std::string(client.status().message()));
  }
  // 2. Where to go afterwards: only a URI registered for that client, exactly.
  std::string target = params->Get("post_logout_redirect_uri");
  if (!target.empty()) {
    if (*client == nullptr) {
      return ErrorPage(400, "Invalid sign-out request",
                       "post_logout_redirect_uri needs client_id or id_token_hint.");
    }
    const auto& allowed = (*client)->post_logout_redirect_uris();
    if (absl::c_find(allowed, target) == allowed.end()) {
      return ErrorPage(400, "Invalid sign-out request",
                       "The post_logout_redirect_uri is not registered for this application.");
    }
  }
  // 3. End the session, then leave.
  HttpResponse response;
  if (target.empty()) {
    response = SignedOutPage();
  } else {
    std::string state = params->Get("state");
    response.status = 302;
    response.SetHeader("Location",
                       state.empty() ? target
                                     : AppendQuery(target, "state=" + FormUrlEncode(state)));
    response.SetHeader("Cache-Control", "no-store");
  }
  response.SetHeader("Set-Cookie", EndSessionCookie(snapshot));
  return response;
}

}  // namespace nauthera
