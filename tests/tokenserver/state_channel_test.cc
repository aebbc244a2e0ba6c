#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "tokenserver/state/state_channel.h"

namespace nauthera {
namespace {

// The integer value of a channel argument, or -1 when it is not set.
int ArgValue(const grpc::ChannelArguments& args, const std::string& key) {
  grpc_channel_args c = args.c_channel_args();
  for (size_t i = 0; i < c.num_args; ++i) {
    if (key == c.args[i].key && c.args[i].type == GRPC_ARG_INTEGER) {
      return c.args[i].value.integer;
    }
  }
  return -1;
}

}  // namespace

TEST_CASE("the state channel bounds DNS waits and reconnect backoff to seconds") {
  auto [key, want] = GENERATE(table<std::string, int>({
      {GRPC_ARG_DNS_ARES_QUERY_TIMEOUT_MS, 2000},           // not gRPC's 120 s
      {GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 1000},  // not gRPC's 30 s
      {GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100},
      {GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000},             // not gRPC's 120 s
      {GRPC_ARG_KEEPALIVE_TIME_MS, 20000},
  }));
  CAPTURE(key);
  CHECK(ArgValue(StateChannelArguments(), key) == want);
}

TEST_CASE("the connection deadline is left at gRPC's 20 s so a slow TLS handshake completes") {
  CHECK(ArgValue(StateChannelArguments(), GRPC_ARG_MIN_RECONNECT_BACKOFF_MS) == -1);
}

TEST_CASE("a channel that has not connected is replaced once failing for 3 s or stuck for 30 s") {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  auto [state, age, rebuild] =
      GENERATE(table<grpc_connectivity_state, std::chrono::steady_clock::duration, bool>({
          {GRPC_CHANNEL_TRANSIENT_FAILURE, milliseconds(2999), false},
          {GRPC_CHANNEL_TRANSIENT_FAILURE, seconds(3), true},  // resolution or connect failed
          {GRPC_CHANNEL_IDLE, seconds(1), false},
          {GRPC_CHANNEL_IDLE, seconds(4), true},
          {GRPC_CHANNEL_SHUTDOWN, seconds(3), true},
          {GRPC_CHANNEL_CONNECTING, seconds(29), false},  // a handshake may still finish
          {GRPC_CHANNEL_CONNECTING, seconds(30), true},   // a resolution that never ends
          {GRPC_CHANNEL_READY, seconds(3600), false},
      }));
  CAPTURE(static_cast<int>(state), std::chrono::duration_cast<milliseconds>(age).count());
  CHECK(ShouldRebuildStateChannel(state, age) == rebuild);
}

}  // namespace nauthera
