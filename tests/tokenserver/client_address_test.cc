// --trusted-proxies and the client address behind a proxy: CIDR parsing (strict), the
// forwarded headers (X-Forwarded-For, RFC 7239 Forwarded) believed only from a trusted peer
// and only up to the first untrusted hop, and every malformed case falling back to the peer.
#include <catch2/catch.hpp>

#include "tokenserver/app/options.h"
#include "tokenserver/http/client_address.h"
#include "tokenserver/http/ip_network.h"

namespace nauthera {
namespace {

HttpRequest From(const std::string& peer,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/oauth2/login";
  request.remote_address = peer;
  request.headers = std::move(headers);
  return request;
}

}  // namespace

TEST_CASE("trusted proxies: CIDR lists are parsed strictly") {
  auto [text, ok] = GENERATE(table<std::string, bool>({
      {"", true},
      {"10.0.0.0/8", true},
      {"10.0.0.0/8,192.168.0.0/16", true},
      {" 10.0.0.0/8 , fd00::/8 ", true},
      {"192.0.2.7", true},          // one host
      {"2001:db8::1", true},
      {"0.0.0.0/0", true},
      {"::/0", true},
      {"10.0.0.1/8", false},        // host bits set
      {"fd00::1/8", false},
      {"10.0.0.0/33", false},
      {"fd00::/129", false},
      {"10.0.0.0/", false},
      {"10.0.0.0/+8", false},
      {"10.0.0.0/08", false},
      {"10.0.0.0/ 8", false},
      {"10.0.0.0/99999999999999999999", false},  // fuzz_client_address: overflowed before
      {"10.0.0.0/-1", false},
      {"10.0.0.0/8,", false},       // an empty item
      {",10.0.0.0/8", false},
      {"10.0.0.0/8,,fd00::/8", false},
      {"010.0.0.0/8", false},       // leading zero
      {"10.0.0/8", false},
      {"256.0.0.0/8", false},
      {"10.0.0.0/8x", false},
      {"[fd00::]/8", false},
      {"fe80::1%eth0", false},
      {"example.com", false},
      {std::string("10.0.0.0/8\0", 11), false},
  }));
  CAPTURE(text);
  auto proxies = TrustedProxies::Parse(text);
  CHECK(proxies.ok() == ok);
  if (!ok) CHECK_THAT(std::string(proxies.status().message()), Catch::Contains("--trusted-proxies"));
}

TEST_CASE("trusted proxies: networks contain what they should, across both families") {
  auto proxies = *TrustedProxies::Parse("10.0.0.0/8,192.0.2.7,fd00::/8");
  auto [address, in] = GENERATE(table<std::string, bool>({
      {"10.0.0.1", true},
      {"10.255.255.255", true},
      {"11.0.0.0", false},
      {"::ffff:10.1.2.3", true},    // a dual-stack socket's IPv4 peer
      {"192.0.2.7", true},
      {"192.0.2.8", false},
      {"fd12::1", true},
      {"fe00::1", false},
      {"::a00:1", false},           // IPv4-compatible, not mapped: an IPv6 address
  }));
  CAPTURE(address);
  CHECK(proxies.Contains(*ParseIpAddress(address)) == in);
}

TEST_CASE("a bad --trusted-proxies stops the token server at start, naming the flag") {
  TokenServerOptions options;
  options.trusted_proxies = "10.0.0.1/8";
  auto resolved = Resolve(options);
  REQUIRE_FALSE(resolved.ok());
  CHECK_THAT(std::string(resolved.status().message()), Catch::Contains("--trusted-proxies"));
  CHECK_THAT(std::string(resolved.status().message()), Catch::Contains("10.0.0.0/8"));
  options.trusted_proxies = "10.0.0.0/8,fd00::/8";
  CHECK(Resolve(options).ok());
}

TEST_CASE("client address: forwarded headers count only from a trusted peer, rightmost "
          "untrusted hop") {
  TrustedProxies proxies = *TrustedProxies::Parse("10.0.0.0/8,fd00::/8");
  using Headers = std::vector<std::pair<std::string, std::string>>;
  auto [what, peer, headers, expected] =
      GENERATE_COPY(table<std::string, std::string, Headers, std::string>({
          {"untrusted peer, no header", "192.0.2.1", {}, "192.0.2.1"},
          {"untrusted peer: XFF ignored", "192.0.2.1", {{"x-forwarded-for", "198.51.100.1"}},
           "192.0.2.1"},
          {"untrusted peer: Forwarded ignored", "192.0.2.1",
           {{"forwarded", "for=198.51.100.1"}}, "192.0.2.1"},
          {"trusted peer, no header", "10.0.0.2", {}, "10.0.0.2"},
          {"trusted peer, one hop", "10.0.0.2", {{"x-forwarded-for", "198.51.100.1"}},
           "198.51.100.1"},
          {"a client's forged hop on the left cannot move it", "10.0.0.2",
           {{"x-forwarded-for", "1.2.3.4, 198.51.100.1"}}, "198.51.100.1"},
          {"two trusted proxies in the chain", "10.0.0.2",
           {{"x-forwarded-for", "1.2.3.4, 198.51.100.1, 10.9.9.9"}}, "198.51.100.1"},
          {"all hops trusted: the leftmost", "10.0.0.2",
           {{"x-forwarded-for", "10.1.1.1, 10.2.2.2"}}, "10.1.1.1"},
          {"XFF with a port and IPv6", "10.0.0.2",
           {{"x-forwarded-for", "[2001:db8::1]:443, 198.51.100.1:5678"}}, "198.51.100.1"},
          {"XFF bare IPv6, canonical text", "fd00::9",
           {{"x-forwarded-for", "2001:DB8:0:0::1"}}, "2001:db8::1"},
          {"mapped peer is trusted IPv4", "::ffff:10.0.0.2",
           {{"x-forwarded-for", "198.51.100.1"}}, "198.51.100.1"},
          {"Forwarded, RFC 7239 §4 example", "10.0.0.2",
           {{"forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43"}}, "192.0.2.60"},
          {"Forwarded, quoted IPv6 with port", "10.0.0.2",
           {{"forwarded", "for=\"[2001:db8:cafe::17]:4711\""}}, "2001:db8:cafe::17"},
          {"Forwarded, several hops, case-insensitive names", "10.0.0.2",
           {{"forwarded", "for=1.2.3.4, For=198.51.100.1;proto=https, for=10.3.3.3"}},
           "198.51.100.1"},
          {"both headers agreeing", "10.0.0.2",
           {{"x-forwarded-for", "198.51.100.1"}, {"forwarded", "for=198.51.100.1"}},
           "198.51.100.1"},
          // Everything malformed, repeated or contradictory: the peer.
          {"both headers disagreeing", "10.0.0.2",
           {{"x-forwarded-for", "198.51.100.1"}, {"forwarded", "for=203.0.113.5"}},
           "10.0.0.2"},
          {"XFF twice", "10.0.0.2",
           {{"x-forwarded-for", "198.51.100.1"}, {"x-forwarded-for", "203.0.113.5"}},
           "10.0.0.2"},
          {"Forwarded twice", "10.0.0.2",
           {{"forwarded", "for=198.51.100.1"}, {"forwarded", "for=203.0.113.5"}}, "10.0.0.2"},
          {"XFF garbage", "10.0.0.2", {{"x-forwarded-for", "not-an-ip"}}, "10.0.0.2"},
          {"XFF empty", "10.0.0.2", {{"x-forwarded-for", ""}}, "10.0.0.2"},
          {"XFF empty item", "10.0.0.2", {{"x-forwarded-for", "198.51.100.1,,"}}, "10.0.0.2"},
          {"XFF v4 in brackets", "10.0.0.2", {{"x-forwarded-for", "[198.51.100.1]"}},
           "10.0.0.2"},
          {"XFF bad port", "10.0.0.2", {{"x-forwarded-for", "198.51.100.1:99999"}},
           "10.0.0.2"},
          {"XFF unterminated bracket", "10.0.0.2", {{"x-forwarded-for", "[2001:db8::1"}},
           "10.0.0.2"},
          {"Forwarded unknown", "10.0.0.2", {{"forwarded", "for=unknown"}}, "10.0.0.2"},
          {"Forwarded obfuscated", "10.0.0.2", {{"forwarded", "for=_hidden"}}, "10.0.0.2"},
          {"Forwarded bare IPv6", "10.0.0.2", {{"forwarded", "for=2001:db8::1"}},
           "10.0.0.2"},
          {"Forwarded unquoted brackets", "10.0.0.2", {{"forwarded", "for=[2001:db8::1]"}},
           "10.0.0.2"},
          {"Forwarded without for", "10.0.0.2", {{"forwarded", "proto=https"}}, "10.0.0.2"},
          {"Forwarded for twice in one element", "10.0.0.2",
           {{"forwarded", "for=198.51.100.1;for=203.0.113.5"}}, "10.0.0.2"},
          {"Forwarded unterminated quote", "10.0.0.2", {{"forwarded", "for=\"198.51.100.1"}},
           "10.0.0.2"},
          {"Forwarded trailing comma", "10.0.0.2", {{"forwarded", "for=198.51.100.1,"}},
           "10.0.0.2"},
          {"Forwarded control character", "10.0.0.2",
           {{"forwarded", std::string("for=\"198.51.100.1\x01\"")}}, "10.0.0.2"},
          {"unparseable peer kept as received", "peer?", {{"x-forwarded-for", "1.2.3.4"}},
           "peer?"},
      }));
  CAPTURE(what);
  CHECK(ClientAddress(From(peer, headers), proxies) == expected);
}

TEST_CASE("client address: no trusted proxies means the peer, whatever the headers") {
  CHECK(ClientAddress(From("10.0.0.2", {{"x-forwarded-for", "198.51.100.1"}}), {}) ==
        "10.0.0.2");
}

}  // namespace nauthera
