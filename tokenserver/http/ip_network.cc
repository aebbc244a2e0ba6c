#include "tokenserver/http/ip_network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool AllDigits(absl::string_view text) {
  if (text.empty() || text.size() > 3) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !(text.size() > 1 && text[0] == '0');
}

}  // namespace

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {0};
  if (v4) {
    inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof(buffer));
  } else {
    inet_ntop(AF_INET6, bytes.data(), buffer, sizeof(buffer));
  }
  return buffer;
}

absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text) {
  std::string copy(text);  // inet_pton needs a terminated string; a NUL inside fails below
  IpAddress out;
  if (copy.size() == text.size() && copy.find('\0') == std::string::npos) {
    if (inet_pton(AF_INET, copy.c_str(), out.bytes.data() + 12) == 1) {
      std::memcpy(out.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix));
      out.v4 = true;
      return out;
    }
    if (inet_pton(AF_INET6, copy.c_str(), out.bytes.data()) == 1) {
      out.v4 = std::memcmp(out.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0;
      return out;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", absl::CHexEscape(text),
                                                 "\" is not an IPv4 or IPv6 address"));
}

bool IpNetwork::Contains(const IpAddress& address) const {
  int bits = prefix_bits;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

absl::StatusOr<IpNetwork> ParseIpNetwork(absl::string_view text) {
  size_t slash = text.find('/');
  auto address = ParseIpAddress(text.substr(0, slash));
  if (!address.ok()) return address.status();
  IpNetwork network{*address, 128};
  if (slash == absl::string_view::npos) return network;
  absl::string_view digits = text.substr(slash + 1);
  int max_bits = address->v4 ? 32 : 128;
  int bits = 0;
  // At most 3 digits before any arithmetic (the fuzzer's overflow on "/99999999999").
  if (AllDigits(digits)) {
    for (char c : digits) bits = bits * 10 + (c - '0');
  }
  if (!AllDigits(digits) || bits > max_bits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CHexEscape(text), "\": the prefix length must be 0 to ", max_bits));
  }
  network.prefix_bits = address->v4 ? 96 + bits : bits;
  IpNetwork host_part = network;
  for (int i = 0; i < 16; ++i) {
    int bits_here = std::max(0, std::min(8, network.prefix_bits - 8 * i));
    uint8_t mask = static_cast<uint8_t>(0xff00 >> bits_here);
    host_part.base.bytes[i] &= mask;
  }
  if (host_part.base.bytes != network.base.bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", absl::CHexEscape(text), "\" has host bits set; did you mean ",
        host_part.base.ToString(), "/", bits, "?"));
  }
  return network;
}

absl::StatusOr<std::vector<IpNetwork>> ParseIpNetworkList(absl::string_view text) {
  std::vector<IpNetwork> out;
  if (absl::StripAsciiWhitespace(text).empty()) return out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(item);
    if (trimmed.empty()) return absl::InvalidArgumentError("an empty network in the list");
    auto network = ParseIpNetwork(trimmed);
    if (!network.ok()) return network.status();
    out.push_back(*network);
  }
  return out;
}

}  // namespace nauthera
