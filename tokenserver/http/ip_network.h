// IP addresses and networks (CIDR, RFC 4632 §3.1; RFC 4291 §2.3) for the trusted-proxy
// check. Both families in one 16-byte form (IPv4 as IPv4-mapped IPv6, RFC 4291 §2.5.5.2), so
// a peer that a dual-stack socket reports as ::ffff:10.0.0.1 matches 10.0.0.0/8.
#ifndef NAUTHERA_TOKENSERVER_HTTP_IP_NETWORK_H_
#define NAUTHERA_TOKENSERVER_HTTP_IP_NETWORK_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v4 = false;  // an IPv4 address (or an IPv4-mapped IPv6 one)

  // Canonical text: dotted quad for IPv4 (mapped or not), RFC 5952 form for IPv6.
  std::string ToString() const;
};

// Strict: a dotted quad without leading zeros, or an IPv6 address (inet_pton); no brackets,
// ports, zone ids or spaces.
absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text);

struct IpNetwork {
  IpAddress base;
  int prefix_bits = 0;  // over the 16-byte form: an IPv4 /8 is 104

  bool Contains(const IpAddress& address) const;
};

// "10.0.0.0/8", "fd00::/8", or a bare address (one host). Refused: an empty text, a prefix
// that is not 1-3 plain digits or exceeds the family's length, and host bits set beyond the
// prefix ("10.0.0.1/8"), which is more often a typo than an intent.
absl::StatusOr<IpNetwork> ParseIpNetwork(absl::string_view text);

// Comma-separated networks (spaces around each allowed); "" is an empty list, an empty item
// is an error.
absl::StatusOr<std::vector<IpNetwork>> ParseIpNetworkList(absl::string_view text);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_HTTP_IP_NETWORK_H_
