// A scripted Transport for unit tests of HttpKubeClient and Informer: each Send() or Stream()
// takes the next scripted answer (a Stream() answer's chunks are handed over one by one); once
// the script is spent, Stream() blocks like a quiet watch until cancelled and Send() fails as
// unreachable. Every request is recorded. The same client code runs against the real API
// server in kubeclient_cluster_test.
#ifndef NAUTHERA_TESTS_KUBE_FAKE_TRANSPORT_H_
#define NAUTHERA_TESTS_KUBE_FAKE_TRANSPORT_H_

#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "controller/kubeclient/transport.h"

namespace nauthera::controller::kube::testing {

struct ScriptedAnswer {
  absl::Status error;  // not OK: the request got no answer
  TransportResponse response;
  std::vector<std::string> chunks;  // Stream() with a 2xx status
};

inline ScriptedAnswer Answer(int status, std::string body, std::string retry_after = "") {
  ScriptedAnswer answer;
  answer.response.status = status;
  answer.response.body = std::move(body);
  answer.response.retry_after = std::move(retry_after);
  return answer;
}

inline ScriptedAnswer StreamOf(std::vector<std::string> chunks) {
  ScriptedAnswer answer;
  answer.response.status = 200;
  answer.chunks = std::move(chunks);
  return answer;
}

class FakeTransport : public Transport {
 public:
  void Push(ScriptedAnswer answer) {
    absl::MutexLock lock(&mu_);
    script_.push_back(std::move(answer));
  }

  std::vector<TransportRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

  // Waits until `count` requests were made.
  bool WaitForRequests(size_t count, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return requests_.size() >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }

  absl::StatusOr<TransportResponse> Send(const TransportRequest& request) override {
    ScriptedAnswer answer;
    if (!Next(request, &answer)) return absl::UnavailableError("fake: script spent");
    if (!answer.error.ok()) return answer.error;
    return answer.response;
  }

  absl::StatusOr<TransportResponse> Stream(const TransportRequest& request,
                                           const ChunkHandler& on_chunk,
                                           Cancellation* cancel) override {
    ScriptedAnswer answer;
    if (!Next(request, &answer)) {
      while (cancel != nullptr && !cancel->cancelled()) cancel->SleepFor(absl::Seconds(1));
      return absl::CancelledError("fake: cancelled");
    }
    if (!answer.error.ok()) return answer.error;
    if (answer.response.status < 200 || answer.response.status > 299) return answer.response;
    for (const std::string& chunk : answer.chunks) {
      if (!on_chunk(chunk)) break;
    }
    TransportResponse done;
    done.status = answer.response.status;
    return done;
  }

 private:
  bool Next(const TransportRequest& request, ScriptedAnswer* answer) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    if (script_.empty()) return false;
    *answer = std::move(script_.front());
    script_.pop_front();
    return true;
  }

  mutable absl::Mutex mu_;
  std::deque<ScriptedAnswer> script_ ABSL_GUARDED_BY(mu_);
  std::vector<TransportRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_FAKE_TRANSPORT_H_
