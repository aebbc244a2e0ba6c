// The bearer token a request carries: fixed (kubeconfig `token`), or read from a file
// (kubeconfig `tokenFile`, the in-cluster service-account token) and read again when it may
// have rotated. The kubelet rewrites a projected service-account token well before it expires
// (at 80% of its lifetime), so, as client-go does (transport.NewCachedFileTokenSource), the
// file is re-read at least every minute, and at once after a 401 (Invalidate()).
// https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_TOKEN_SOURCE_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_TOKEN_SOURCE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace nauthera::controller::kube {

class TokenSource {
 public:
  using Clock = std::function<absl::Time()>;

  // A token that never changes.
  static std::shared_ptr<TokenSource> Fixed(std::string token);

  // A token read from `path` now (an unreadable or empty file is an error) and again once
  // `reread_after` has passed since the last read, or after Invalidate().
  static absl::StatusOr<std::shared_ptr<TokenSource>> FromFile(
      std::string path, absl::Duration reread_after = absl::Minutes(1),
      Clock clock = &absl::Now);

  // The token to send. If re-reading the file fails, the last good token is returned (it may
  // still be valid; the API server will say if it is not) and the failure is logged.
  std::string Token();

  // The server answered 401: the next Token() re-reads the file. No effect for a fixed token.
  void Invalidate();

  // True when the token comes from a file (so a 401 is worth one retry after Invalidate()).
  bool rotates() const { return !path_.empty(); }

 private:
  TokenSource(std::string path, std::string token, absl::Duration reread_after, Clock clock);

  const std::string path_;
  const absl::Duration reread_after_;
  const Clock clock_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time read_at_ ABSL_GUARDED_BY(mu_);
  bool stale_ ABSL_GUARDED_BY(mu_) = false;
};

// The trimmed content of a token file; an empty file is an error.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_TOKEN_SOURCE_H_
