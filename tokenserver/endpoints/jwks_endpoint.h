// GET /oauth2/jwks: the public keys (RFC 7517), rendered once per state version, with a short
// max-age so relying parties (kube-apiserver) pick up rotations.
#ifndef NAUTHERA_TOKENSERVER_ENDPOINTS_JWKS_ENDPOINT_H_
#define NAUTHERA_TOKENSERVER_ENDPOINTS_JWKS_ENDPOINT_H_

#include <string>

#include "common/http/http_types.h"

namespace nauthera {

class Snapshot;

std::string RenderJwks(const Snapshot& snapshot);
HttpResponse HandleJwks(const HttpRequest& request, const Snapshot& snapshot);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_ENDPOINTS_JWKS_ENDPOINT_H_
