// state_stream_probe ADDRESS: subscribes to a controller's state stream as a token server
// would, with no credentials but the process's own (its uid, on a Unix socket). Prints
// "received <version>" and exits 0 when a State arrives within 3 s; prints "no state: <why>"
// and exits 1 otherwise. The tests run it as another user (setpriv --reuid=65534) to show
// that such a peer gets nothing.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "nauthera/v1/state.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: state_stream_probe unix:/path/state.sock\n");
    return 2;
  }
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto stub = nauthera::v1::StateService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  auto stream = stub->Subscribe(&context);
  nauthera::v1::SubscribeRequest hello;
  hello.set_node_id("state-stream-probe");
  stream->Write(hello);
  nauthera::v1::State state;
  if (stream->Read(&state)) {
    std::printf("received %s\n", state.version().c_str());
    context.TryCancel();
    stream->Finish();
    return 0;
  }
  grpc::Status status = stream->Finish();
  std::printf("no state: %s\n", status.error_message().c_str());
  return 1;
}
