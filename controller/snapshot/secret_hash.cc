#include "controller/snapshot/secret_hash.h"

#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"

namespace nauthera::controller {

nauthera::v1::SecretHash HashClientSecret(absl::string_view client_id,
                                          absl::string_view client_secret) {
  std::string salt = Sha256(absl::StrCat("nauthera/v1/secret-salt:", client_id)).substr(0, 16);
  nauthera::v1::SecretHash hash;
  hash.set_digest(HmacSha256(salt, client_secret));
  hash.set_salt(std::move(salt));
  return hash;
}

}  // namespace nauthera::controller
