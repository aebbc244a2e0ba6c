#include "tokenserver/web/login_page.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/web/html.h"

namespace nauthera {

HttpResponse RenderLoginPage(int status, const LoginPageModel& model) {
  std::string error;
  if (!model.error.empty()) {
    error = absl::StrCat("<p class=\"error\" role=\"alert\" id=\"login-error\">",
                         HtmlEscape(model.error), "</p>");
  }
  std::string described = model.error.empty() ? "" : " aria-describedby=\"login-error\"";
  std::string body = absl::StrCat(
      "<div class=\"card\"><p class=\"brand\">Nauthera</p>"
      "<h1>Sign in</h1><p class=\"sub\">to continue to <strong>",
      HtmlEscape(model.client_name), "</strong></p>", error,
      "<form method=\"post\" action=\"/oauth2/login\" autocomplete=\"on\">"
      "<input type=\"hidden\" name=\"csrf_token\" value=\"", HtmlEscape(model.csrf_token), "\">"
      "<input type=\"hidden\" name=\"request\" value=\"", HtmlEscape(model.sealed_request), "\">"
      "<label for=\"username\">Username</label>"
      "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
      "autocapitalize=\"none\" spellcheck=\"false\" required autofocus value=\"",
      HtmlEscape(model.username), "\"", described, ">"
      "<label for=\"password\">Password</label>"
      "<input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required", described, ">"
      "<button type=\"submit\">Sign in</button></form></div>");
  std::string form_action = "'self'";
  if (!model.redirect_origin.empty()) absl::StrAppend(&form_action, " ", model.redirect_origin);
  return HtmlPage(status, "Sign in", body, form_action);
}

}  // namespace nauthera
