// OpenID Connect Discovery 1.0 §3 and RFC 8414 metadata, rendered once per state version.
// It lists only what this server really serves.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_DISCOVERY_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_DISCOVERY_ENDPOINT_H_

#include <string>

#include "common/http/http_types.h"

namespace nauthera {

class Snapshot;

std::string RenderDiscovery(const Snapshot& snapshot);

// GET /.well-known/openid-configuration and /.well-known/oauth-authorization-server.
HttpResponse HandleDiscovery(const HttpRequest& request, const Snapshot& snapshot);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_DISCOVERY_ENDPOINT_H_
