// The client's address for the login limits and logs. Behind an Ingress or load balancer the
// TCP peer is the proxy, so every person would share one address (and one throttle); the
// proxy's forwarded headers name the real client, but anyone can send those headers too.
// They are believed only when the TCP peer is a proxy the operator trusts
// (--trusted-proxies), and then only up to the first hop that is not trusted: walking the
// chain from the right, the first untrusted address is the client (what a client prepends
// to the header cannot move it). Anything malformed, repeated or contradictory from a
// trusted peer gives the peer itself: never a value the client chose.
#ifndef NAUTHERA_TOKENSERVER_HTTP_CLIENT_ADDRESS_H_
#define NAUTHERA_TOKENSERVER_HTTP_CLIENT_ADDRESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/http/http_types.h"
#include "tokenserver/http/ip_network.h"

namespace nauthera {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // none: the TCP peer is always the client
  // The --trusted-proxies value: comma-separated CIDRs (ParseIpNetworkList); "" = none.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view flag);

  bool empty() const { return networks_.empty(); }
  bool Contains(const IpAddress& address) const;

 private:
  std::vector<IpNetwork> networks_;
};

// The addresses an X-Forwarded-For value lists, left (client) to right (last proxy): IPv4 or
// IPv6, optionally "[v6]", with an optional ":port". nullopt when any item is not one.
std::optional<std::vector<IpAddress>> ParseXForwardedFor(absl::string_view value);

// The for= addresses of a Forwarded value (RFC 7239 §4), left to right: each element must
// have exactly one for= (§5.2: IPv4, "[IPv6]", optionally with a port, quoted as §6 says)
// and no parameter twice; "unknown" and obfuscated identifiers (§6.2, §6.3) name no address
// and so make the value unusable here. nullopt when malformed.
std::optional<std::vector<IpAddress>> ParseForwarded(absl::string_view value);

// The client's address (canonical text): see the comment at the top. The peer's text as
// received when the peer is not a trusted proxy or the headers cannot be used.
std::string ClientAddress(const HttpRequest& request, const TrustedProxies& proxies);

}  // namespace nauthera

#endif  // NAUTHERA_TOKENSERVER_HTTP_CLIENT_ADDRESS_H_
