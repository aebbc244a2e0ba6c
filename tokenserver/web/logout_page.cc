#include "tokenserver/web/logout_page.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/web/html.h"

namespace nauthera {

HttpResponse RenderLogoutConfirmPage(const LogoutConfirmModel& model) {
  std::string from;
  if (!model.client_name.empty()) {
    from = absl::StrCat(" <strong>", HtmlEscape(model.client_name), "</strong> asks you to.");
  }
  std::string body = absl::StrCat(
      "<div class=\"card\"><p class=\"brand\">Nauthera</p><h1>Sign out?</h1>"
      "<p class=\"sub\">You are signed in as <strong>",
      HtmlEscape(model.username), "</strong>.", from,
      "</p><form method=\"post\" action=\"/oauth2/logout\">"
      "<input type=\"hidden\" name=\"csrf_token\" value=\"", HtmlEscape(model.csrf_token), "\">"
      "<input type=\"hidden\" name=\"logout\" value=\"", HtmlEscape(model.sealed_logout), "\">"
      "<button type=\"submit\">Sign out</button></form>"
      "<p class=\"sub note\">To stay signed in, close this window.</p></div>");
  std::string form_action = "'self'";
  if (!model.redirect_origin.empty()) absl::StrAppend(&form_action, " ", model.redirect_origin);
  return HtmlPage(200, "Sign out", body, form_action);
}

HttpResponse RenderSignedOutPage() {
  return HtmlPage(200, "Signed out",
                  "<div class=\"card\"><p class=\"brand\">Nauthera</p><h1>You are signed out</h1>"
                  "<p class=\"sub\">You can close this window.</p></div>");
}

}  // namespace nauthera
