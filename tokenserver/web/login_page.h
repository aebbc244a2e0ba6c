// The login page: server-rendered HTML that works without JavaScript.
#ifndef NAUTHERA_TOKENSERVER_WEB_LOGIN_PAGE_H_
#define NAUTHERA_TOKENSERVER_WEB_LOGIN_PAGE_H_

#include <string>

#include "common/http/http_types.h"

namespace nauthera {

struct LoginPageModel {
  std::string client_name;     // the OidcClient's displayName
  std::string error;           // shown above the form; "" for none
  std::string username;        // prefilled after a failed attempt
  std::string sealed_request;  // the checked authorization request, sealed
  std::string csrf_token;
  std::string redirect_origin;  // allowed in form-action (the redirect after login)
};

HttpResponse RenderLoginPage(int status, const LoginPageModel& model);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_WEB_LOGIN_PAGE_H_
