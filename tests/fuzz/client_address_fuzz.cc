// The client address behind a proxy (tokenserver/http/client_address.h) on arbitrary bytes:
// X-Forwarded-For and Forwarded values from a trusted peer, and --trusted-proxies lists.
// Invariants: no crash; the answer is the peer or an address one of the headers names, and
// always parses back as an IP address; a parsed network list contains its own bases.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/http/client_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  // The input is the header value; the first byte picks which header.
  if (input.empty()) return 0;
  bool forwarded = (input[0] & 1) != 0;
  absl::string_view value = input.substr(1);
  auto proxies = *nauthera::TrustedProxies::Parse("10.0.0.0/8,fd00::/8");
  nauthera::HttpRequest request;
  request.remote_address = "10.0.0.2";
  request.headers.emplace_back(forwarded ? "forwarded" : "x-forwarded-for", std::string(value));
  std::string client = nauthera::ClientAddress(request, proxies);
  FUZZ_CHECK(nauthera::ParseIpAddress(client).ok());
  auto chain = forwarded ? nauthera::ParseForwarded(value) : nauthera::ParseXForwardedFor(value);
  if (!chain) FUZZ_CHECK(client == "10.0.0.2");
  // The same bytes as a --trusted-proxies value.
  auto networks = nauthera::ParseIpNetworkList(value);
  if (networks.ok()) {
    for (const nauthera::IpNetwork& network : *networks) {
      FUZZ_CHECK(network.Contains(network.base));
    }
  }
  return 0;
}
