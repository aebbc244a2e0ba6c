// The consent page (OIDC Core §3.1.2.4): which application asks, for what in plain words, and
// Allow / Deny buttons of one form. Server-rendered; works without JavaScript.
#ifndef NAUTHERA_TOKENSERVER_WEB_CONSENT_PAGE_H_
#define NAUTHERA_TOKENSERVER_WEB_CONSENT_PAGE_H_

#include <string>
#include <vector>

#include "common/http/http_types.h"

namespace nauthera {

struct ConsentPageModel {
  std::string client_name;  // the OidcClient's displayName, or its client_id
  std::string username;     // who is signed in
  std::vector<std::string> scopes;
  std::string sealed_request;  // the checked authorization request and the user, sealed
  std::string csrf_token;
  std::string redirect_origin;  // allowed in form-action (the redirect after the answer)
};

// What a scope lets the application do, in words a user reads (OIDC Core §5.4 for the
// standard ones); an unknown scope is named as it is.
std::string DescribeScope(const std::string& scope);

HttpResponse RenderConsentPage(const ConsentPageModel& model);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_WEB_CONSENT_PAGE_H_
