// Client secrets reach token servers only as keyed hashes (proto SecretHash):
//   salt   = first 16 bytes of SHA-256("nauthera/v1/secret-salt:" + client_id)
//   digest = HMAC-SHA-256(key = salt, message = client_secret)
// The token server computes HMAC-SHA-256(salt, presented secret) and compares in constant
// time. The secrets are 256 random bits, so a fast keyed hash cannot be brute-forced; the
// salt is derived, not random, so the same secret always gives the same State (and version).
#ifndef NAUTHERA_CONTROLLER_SNAPSHOT_SECRET_HASH_H_
#define NAUTHERA_CONTROLLER_SNAPSHOT_SECRET_HASH_H_

#include "absl/strings/string_view.h"
#include "nauthera/v1/state.pb.h"

namespace nauthera::controller {

nauthera::v1::SecretHash HashClientSecret(absl::string_view client_id,
                                          absl::string_view client_secret);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SNAPSHOT_SECRET_HASH_H_
