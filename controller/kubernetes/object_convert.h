// Objects as the Kubernetes API serves them (JSON) turned into the same ApiObject types local
// mode decodes from manifests. JSON is YAML, so the one strict decoder (controller/api/decode.h)
// judges both: an object the API server accepted but Nauthera cannot use becomes a
// DecodeError naming its key (a status condition), never a crash.
#ifndef NAUTHERA_CONTROLLER_KUBERNETES_OBJECT_CONVERT_H_
#define NAUTHERA_CONTROLLER_KUBERNETES_OBJECT_CONVERT_H_

#include <string>

#include "controller/api/decode.h"
#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller {

// Decodes one API object of `kind`. Server-written fields (status, managedFields, uid...) are
// dropped first; `location.file` names the object ("OidcClient ci-cd/ci-deployer").
DecodedFile DecodeApiObject(Kind kind, const kube::Object& object);

// "OidcClient ci-cd/ci-deployer": where an object "is", for errors and status.source.
std::string ApiLocation(Kind kind, const kube::Object& object);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_KUBERNETES_OBJECT_CONVERT_H_
