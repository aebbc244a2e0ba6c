// The pages of RP-Initiated Logout 1.0: the confirmation asked when the request does not
// prove which signed-in user it is for (§2: no valid id_token_hint), and "signed out".
#ifndef NAUTHERA_TOKENSERVER_WEB_LOGOUT_PAGE_H_
#define NAUTHERA_TOKENSERVER_WEB_LOGOUT_PAGE_H_

#include <string>

#include "common/http/http_types.h"

namespace nauthera {

struct LogoutConfirmModel {
  std::string username;       // who is signed in
  std::string client_name;    // the application that sent the user here; "" when unknown
  std::string sealed_logout;  // where to go afterwards, sealed
  std::string csrf_token;
  std::string redirect_origin;  // allowed in form-action; "" when no redirect follows
};

HttpResponse RenderLogoutConfirmPage(const LogoutConfirmModel& model);
HttpResponse RenderSignedOutPage();

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_WEB_LOGOUT_PAGE_H_
