// The TLS side of a listener: a server context built from PEM files (TLS 1.2+, forward-secret
// AEAD ciphers, ALPN http/1.1), re-read when the files change so a certificate rotated by
// cert-manager is served with no restart. Connections keep the context they started with.
#ifndef NAUTHERA_COMMON_HTTP_TLS_CONTEXT_H_
#define NAUTHERA_COMMON_HTTP_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"

namespace nauthera {

// Builds a context from a certificate chain and its private key; refuses a key that does
// not match the certificate.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

class ReloadingTlsContext {
 public:
  static absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> Create(std::string cert_file,
                                                                     std::string key_file);

  // The context new connections use.
  std::shared_ptr<boost::asio::ssl::context> Current() const;

  // Re-reads the files when their size, time or inode changed since the last good read.
  // A pair that does not load (half written, key and certificate from different rotations)
  // is logged and retried on the next call; the last good context stays in use.
  // Returns true when a new context was taken.
  bool ReloadIfChanged();

 private:
  ReloadingTlsContext(std::string cert_file, std::string key_file);

  const std::string cert_file_;
  const std::string key_file_;
  mutable Mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_ ABSL_GUARDED_BY(mu_);
  std::string loaded_signature_ ABSL_GUARDED_BY(mu_);
  std::string failed_signature_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_TLS_CONTEXT_H_
