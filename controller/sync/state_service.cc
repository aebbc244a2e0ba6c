#include "controller/sync/state_service.h"

#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "common/util/mutex.h"
#include "controller/metrics/controller_metrics.h"

namespace nauthera::controller {
namespace {

namespace pb = nauthera::v1;

// What the reader thread learns, shared with the handler thread.
struct StreamPeer {
  Mutex mu;
  std::string node_id = "unknown";  // set before the reader thread starts, read-only after
  bool done ABSL_GUARDED_BY(mu) = false;  // the client half-closed or went away
};

void LogAck(const pb::SubscribeRequest& request, const std::string& node_id) {
  if (request.version().empty()) return;  // the opening message
  if (request.error_detail().empty()) {
    Metrics::Global().Increment(metric::kStateAcks, {node_id});
    LogInfo("state ACKed", {{"node_id", node_id},
                            {"version", request.version()},
                            {"serving_version", request.serving_version()}});
  } else {
    Metrics::Global().Increment(metric::kStateNacks, {node_id});
    LogWarning("state NACKed: the token server keeps its last good state",
               {{"node_id", node_id},
                {"version", request.version()},
                {"serving_version", request.serving_version()},
                {"error_detail", request.error_detail()}});
  }
}

}  // namespace

grpc::Status StateServiceImpl::Subscribe(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::State, pb::SubscribeRequest>* stream) {
  try {
    // 1. The opening message names the token server.
    pb::SubscribeRequest first;
    if (!stream->Read(&first)) return grpc::Status::OK;
    auto peer = std::make_shared<StreamPeer>();
    if (!first.node_id().empty()) peer->node_id = first.node_id();
    std::string node_id = peer->node_id;
    Metrics::Global().Set(metric::kSubscribers, {}, ++subscribers_);
    LogInfo("token server subscribed", {{"node_id", node_id}, {"peer", context->peer()}});

    // 2. A reader thread for ACK/NACKs; Read and Write may run at once on one stream.
    std::thread reader([&, peer] {
      pb::SubscribeRequest request;
      while (stream->Read(&request)) LogAck(request, peer->node_id);
      MutexLock lock(&peer->mu);
      peer->done = true;
      broadcaster_.WakeAll();
    });
    auto finished = [&] {
      MutexLock lock(&peer->mu);
      return peer->done || context->IsCancelled();
    };

    // 3. The current State at once, then each newer one.
    std::string sent;
    while (!finished() && !broadcaster_.shut_down()) {
      StateBroadcaster::StatePtr state =
          broadcaster_.WaitForNewer(sent, absl::Seconds(1), finished);
      if (state == nullptr) continue;
      if (!stream->Write(*state)) break;
      sent = state->version();
      LogInfo("state sent", {{"node_id", node_id}, {"version", sent}});
    }

    // 4. Make the reader's Read return (if it has not), then wait for it.
    if (!finished()) context->TryCancel();
    reader.join();
    Metrics::Global().Set(metric::kSubscribers, {}, --subscribers_);
    LogInfo("token server unsubscribed", {{"node_id", node_id}});
    return grpc::Status::OK;
  } catch (const std::exception& e) {  // last resort: a stream never takes the server down
    LogError("state stream failed", {{"error", e.what()}});
    return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
}

}  // namespace nauthera::controller
