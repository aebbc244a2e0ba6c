#include "tokenserver/web/consent_page.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/web/html.h"

namespace nauthera {

std::string DescribeScope(const std::string& scope) {
  if (scope == "openid") return "Know who you are (your account identifier)";
  if (scope == "profile") return "See your name and username";
  if (scope == "email") return "See your email address";
  if (scope == "groups") return "See the groups you belong to";
  if (scope == "offline_access") {
    return "Stay signed in: keep access while you are away, until you sign out of it";
  }
  return absl::StrCat("Use the permission \xE2\x80\x9C", scope, "\xE2\x80\x9D");
}

HttpResponse RenderConsentPage(const ConsentPageModel& model) {
  std::string items;
  for (const std::string& scope : model.scopes) {
    absl::StrAppend(&items, "<li>", HtmlEscape(DescribeScope(scope)), "</li>");
  }
  std::string body = absl::StrCat(
      "<div class=\"card\"><p class=\"brand\">Nauthera</p>"
      "<h1>Allow access?</h1><p class=\"sub\"><strong>",
      HtmlEscape(model.client_name), "</strong> asks to:</p><ul class=\"scopes\">", items,
      "</ul><p class=\"sub\">Signed in as <strong>", HtmlEscape(model.username),
      "</strong>.</p>"
      "<form method=\"post\" action=\"/oauth2/consent\">"
      "<input type=\"hidden\" name=\"csrf_token\" value=\"", HtmlEscape(model.csrf_token), "\">"
      "<input type=\"hidden\" name=\"request\" value=\"", HtmlEscape(model.sealed_request), "\">"
      "<div class=\"actions\">"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button>"
      "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>"
      "</div></form></div>");
  std::string form_action = "'self'";
  if (!model.redirect_origin.empty()) absl::StrAppend(&form_action, " ", model.redirect_origin);
  return HtmlPage(200, "Allow access", body, form_action);
}

}  // namespace nauthera
