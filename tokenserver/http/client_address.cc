#include "tokenserver/http/client_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace nauthera {
namespace {

// RFC 9110 §5.6.2 tchar.
bool IsTchar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsPort(absl::string_view digits) {
  if (digits.empty() || digits.size() > 5) return false;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port", and (only when `bare_v6`) a bare "v6".
std::optional<IpAddress> ParseNode(absl::string_view node, bool bare_v6) {
  absl::string_view host = node;
  absl::string_view port;
  bool bracketed = false;
  if (!node.empty() && node.front() == '[') {
    size_t close = node.find(']');
    if (close == absl::string_view::npos) return std::nullopt;
    host = node.substr(1, close - 1);
    absl::string_view rest = node.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (!IsPort(port)) return std::nullopt;
    }
    bracketed = true;
  } else if (size_t colon = node.find(':');
             colon != absl::string_view::npos && node.find(':', colon + 1) == node.npos) {
    host = node.substr(0, colon);  // IPv4 with a port
    if (!IsPort(node.substr(colon + 1))) return std::nullopt;
  } else if (colon != absl::string_view::npos && !bare_v6) {
    return std::nullopt;  // RFC 7239 §6: an IPv6 address is always bracketed
  }
  auto address = ParseIpAddress(host);
  if (!address.ok()) return std::nullopt;
  // Brackets hold IPv6 text only.
  if (bracketed && host.find(':') == absl::string_view::npos) return std::nullopt;
  return *address;
}

// RFC 7239 §4 value: token or quoted-string (RFC 9110 §5.6.4), at `*pos`.
std::optional<std::string> ParseValue(absl::string_view text, size_t* pos) {
  std::string out;
  if (*pos < text.size() && text[*pos] == '"') {
    for (++*pos; *pos < text.size(); ++*pos) {
      char c = text[*pos];
      if (c == '"') return ++*pos, out;
      if (c == '\\') {
        if (++*pos == text.size()) return std::nullopt;
        c = text[*pos];
      }
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return std::nullopt;
      out.push_back(c);
    }
    return std::nullopt;  // unterminated
  }
  while (*pos < text.size() && IsTchar(text[*pos])) out.push_back(text[(*pos)++]);
  if (out.empty()) return std::nullopt;
  return out;
}

void SkipOws(absl::string_view text, size_t* pos) {
  while (*pos < text.size() && (text[*pos] == ' ' || text[*pos] == '\t')) ++*pos;
}

// One forwarded-element's for= node, consuming up to (not including) the next ',' or the end.
std::optional<IpAddress> ParseElement(absl::string_view text, size_t* pos) {
  std::vector<std::string> names;
  std::optional<IpAddress> for_node;
  while (true) {
    SkipOws(text, pos);
    std::string name;
    while (*pos < text.size() && IsTchar(text[*pos])) {
      name.push_back(absl::ascii_tolower(static_cast<unsigned char>(text[(*pos)++])));
    }
    if (name.empty() || *pos == text.size() || text[*pos] != '=') return std::nullopt;
    ++*pos;
    auto value = ParseValue(text, pos);
    if (!value) return std::nullopt;
    for (const std::string& seen : names) {
      if (seen == name) return std::nullopt;  // §4: a parameter at most once per element
    }
    names.push_back(name);
    if (name == "for") {
      for_node = ParseNode(*value, /*bare_v6=*/false);
      if (!for_node) return std::nullopt;  // "unknown", "_hidden", or not a node at all
    }
    SkipOws(text, pos);
    if (*pos == text.size() || text[*pos] == ',') return for_node;
    if (text[*pos] != ';') return std::nullopt;
    ++*pos;
  }
}

// The values of header `name` (lowercase), as received.
std::vector<const std::string*> Values(const HttpRequest& request, absl::string_view name) {
  std::vector<const std::string*> out;
  for (const auto& [key, value] : request.headers) {
    if (key == name) out.push_back(&value);
  }
  return out;
}

// The rightmost address of `chain` that is not a trusted proxy; the leftmost when all are.
std::optional<IpAddress> RightmostUntrusted(const std::vector<IpAddress>& chain,
                                            const TrustedProxies& proxies) {
  if (chain.empty()) return std::nullopt;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!proxies.Contains(*it)) return *it;
  }
  return chain.front();
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view flag) {
  auto networks = ParseIpNetworkList(flag);
  if (!networks.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--trusted-proxies: ", networks.status().message()));
  }
  TrustedProxies out;
  out.networks_ = *std::move(networks);
  return out;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const IpNetwork& network : networks_) {
    if (network.Contains(address)) return true;
  }
  return false;
}

std::optional<std::vector<IpAddress>> ParseXForwardedFor(absl::string_view value) {
  std::vector<IpAddress> out;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    auto node = ParseNode(absl::StripAsciiWhitespace(item), /*bare_v6=*/true);
    if (!node) return std::nullopt;
    out.push_back(*node);
  }
  return out;
}

std::optional<std::vector<IpAddress>> ParseForwarded(absl::string_view value) {
  std::vector<IpAddress> out;
  size_t pos = 0;
  while (true) {
    auto node = ParseElement(value, &pos);
    if (!node) return std::nullopt;
    out.push_back(*node);
    if (pos == value.size()) return out;
    ++pos;  // the ','
  }
}

std::string ClientAddress(const HttpRequest& request, const TrustedProxies& proxies) {
  auto peer = ParseIpAddress(request.remote_address);
  if (!peer.ok()) return request.remote_address;
  if (!proxies.Contains(*peer)) return peer->ToString();
  // 1. One field line of each at most: two lines are two stories (RFC 9110 §5.3 would join
  //    them, but which proxy wrote which is then unknown).
  std::vector<const std::string*> xff = Values(request, "x-forwarded-for");
  std::vector<const std::string*> forwarded = Values(request, "forwarded");
  if (xff.size() > 1 || forwarded.size() > 1) return peer->ToString();
  // 2. Each chain that is present must parse, and name a client.
  std::optional<IpAddress> from_xff, from_forwarded;
  if (!xff.empty()) {
    auto chain = ParseXForwardedFor(*xff[0]);
    if (!chain) return peer->ToString();
    from_xff = RightmostUntrusted(*chain, proxies);
  }
  if (!forwarded.empty()) {
    auto chain = ParseForwarded(*forwarded[0]);
    if (!chain) return peer->ToString();
    from_forwarded = RightmostUntrusted(*chain, proxies);
  }
  // 3. A proxy that writes only one of them passes the other through from the client: when
  //    both are present they must agree, or neither is believed.
  if (from_xff && from_forwarded && from_xff->bytes != from_forwarded->bytes) {
    return peer->ToString();
  }
  if (from_xff) return from_xff->ToString();
  if (from_forwarded) return from_forwarded->ToString();
  return peer->ToString();
}

}  // namespace nauthera
