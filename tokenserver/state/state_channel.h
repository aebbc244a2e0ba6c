// The state stream's gRPC channel: its arguments, and when the state client replaces it.
//
// A token server may start before the controller's name resolves: its Pod before CoreDNS, or
// before the controller's Service exists. gRPC's DNS resolver then waits up to 120 s for a
// query nobody answers (c-ares query timeout) and retries a failed resolution with its own
// backoff (1 s, x1.6 per failure, up to 120 s), which no channel argument caps; the channel's
// reconnect backoff only paces connections to addresses already resolved. Together that
// kept token servers unready for minutes (245 s in a cluster) after the name resolved.
// So DNS queries give up after 2 s, re-resolution may happen every second, and a channel that
// has not connected for a while is replaced by a new one (a new resolver, which resolves at
// once): the token server serves within a few seconds of the controller becoming reachable.
#ifndef NAUTHERA_TOKENSERVER_STATE_STATE_CHANNEL_H_
#define NAUTHERA_TOKENSERVER_STATE_STATE_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>

namespace nauthera {

// A channel in TRANSIENT_FAILURE or IDLE this long after it was made is replaced.
inline constexpr std::chrono::seconds kStateChannelRebuildAfter{3};
// A channel CONNECTING this long (longer than gRPC's 20 s connection deadline, so a slow TLS
// handshake is never cut short) is replaced too: its resolution is stuck.
inline constexpr std::chrono::seconds kStateChannelStuckConnecting{30};

inline grpc::ChannelArguments StateChannelArguments() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // gRPC's own reconnect backoff (1 s growing to 120 s) would keep answering our retries with
  // the old connection error long after a restarted controller is back; ours (state_client.cc)
  // is the one that paces retries, so the channel's stays short. GRPC_ARG_MIN_RECONNECT_BACKOFF_MS
  // is left alone: gRPC also uses it as each connection attempt's deadline (default 20 s),
  // and a TLS handshake on a busy machine needs more than a short one.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // A DNS server that drops queries (a DNS Service with no Pod yet) fails the resolution in 2 s
  // instead of 120 s, so the channel reaches TRANSIENT_FAILURE and is replaced.
  args.SetInt(GRPC_ARG_DNS_ARES_QUERY_TIMEOUT_MS, 2000);
  // A controller Pod that moved (headless Service) is looked up again after 1 s, not 30 s.
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 1000);
  return args;
}

// Whether a channel that has not connected should be replaced, given its state and age.
inline bool ShouldRebuildStateChannel(grpc_connectivity_state state,
                                      std::chrono::steady_clock::duration age) {
  switch (state) {
    case GRPC_CHANNEL_READY:
      return false;
    case GRPC_CHANNEL_CONNECTING:
      return age >= kStateChannelStuckConnecting;
    case GRPC_CHANNEL_IDLE:
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
    case GRPC_CHANNEL_SHUTDOWN:
      return age >= kStateChannelRebuildAfter;
  }
  return false;
}

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_STATE_STATE_CHANNEL_H_
