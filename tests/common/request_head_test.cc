#include <catch2/catch.hpp>

#include "common/http/request_head.h"

namespace nauthera {

using State = RequestHead::State;

TEST_CASE("a request head the scanner refuses gets the RFC's status") {
  auto [name, head, status] = GENERATE(table<std::string, std::string, int>({
      {"chunked with Content-Length (RFC 9112 §6.1)",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400},
      {"Content-Length before Transfer-Encoding",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"repeated Content-Length, same value",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400},
      {"repeated Content-Length, other value",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
      {"Content-Length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n", 400},
      {"negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
      {"signed Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n", 400},
      {"non-numeric Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
      {"empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n", 400},
      {"overflowing Content-Length",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400},
      {"xchunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 400},
      {"gzip, chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400},
      {"chunked, chunked",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400},
      {"two Transfer-Encoding fields",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"Transfer-Encoding in HTTP/1.0",
       "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"whitespace before the colon (RFC 9112 §5.1)", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
      {"tab before the colon", "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400},
      {"obsolete line folding (RFC 9112 §5.2)",
       "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400},
      {"folding with a tab", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n", 400},
      {"bare CR in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400},
      {"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\n\r\n", 400},
      {"bare LF ending a field", "GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n", 400},
      {"bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400},
      {"no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
      {"empty header name", "GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n", 400},
      {"HTTP/9.9 (RFC 9110 §15.6.6)", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505},
      {"HTTP/2.0 over HTTP/1 framing", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"HTTP/1.2", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505},
      {"HTTP/1.x", "GET / HTTP/1.x\r\nHost: x\r\n\r\n", 400},
      {"lowercase protocol", "GET / http/1.1\r\nHost: x\r\n\r\n", 400},
      {"HTTP/0.9 style", "GET /\r\n\r\n", 400},
      {"double space", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"control character in the target", "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"non-token method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"HTTP/1.1 without Host (RFC 9112 §3.2)", "GET / HTTP/1.1\r\n\r\n", 400},
      {"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"many leading empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
  }));
  CAPTURE(name);
  RequestHead scan = ScanRequestHead(head, HttpLimits());
  CHECK(scan.state == State::kRejected);
  CHECK(scan.status == status);
  CHECK_FALSE(scan.reason.empty());
}

TEST_CASE("a well-formed head is complete and its framing read once") {
  HttpLimits limits;
  std::string next = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string head = "\r\nPOST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n"
                     "X-Empty:\r\nX-Tab:\tv\t\r\n\r\n";
  RequestHead scan = ScanRequestHead(head + "grant_type=x" + next, limits);
  REQUIRE(scan.state == State::kComplete);
  CHECK(scan.skip_bytes == 2);
  CHECK(scan.head_bytes == head.size() - 2);
  CHECK(scan.has_content_length);
  CHECK(scan.content_length == 12);
  CHECK_FALSE(scan.chunked);
  CHECK(scan.version == 11);

  RequestHead chunked = ScanRequestHead(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n", limits);
  REQUIRE(chunked.state == State::kComplete);
  CHECK(chunked.chunked);
  RequestHead http10 = ScanRequestHead("GET / HTTP/1.0\r\n\r\n", limits);
  REQUIRE(http10.state == State::kComplete);
  CHECK(http10.version == 10);
}

TEST_CASE("an incomplete head asks for more until a limit is passed") {
  HttpLimits limits;
  limits.max_request_line_bytes = 64;
  limits.max_header_bytes = 128;
  limits.max_headers = 3;
  CHECK(ScanRequestHead("", limits).state == State::kNeedMore);
  CHECK(ScanRequestHead("\r", limits).state == State::kNeedMore);
  CHECK(ScanRequestHead("GET / HTTP/1.1\r", limits).state == State::kNeedMore);
  CHECK(ScanRequestHead("GET / HTTP/1.1\r\nHost: x\r\n", limits).state == State::kNeedMore);
  // RFC 9110 §15.5.15: 414 as soon as the line is too long, before its end arrives.
  RequestHead long_line = ScanRequestHead("GET /" + std::string(100, 'a'), limits);
  CHECK(long_line.state == State::kRejected);
  CHECK(long_line.status == 414);
  CHECK(ScanRequestHead("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n", limits).status == 414);
  // RFC 6585 §5: 431 for a header block too large, also before it ends.
  RequestHead big = ScanRequestHead("GET / HTTP/1.1\r\nX-A: " + std::string(200, 'a'), limits);
  CHECK(big.state == State::kRejected);
  CHECK(big.status == 431);
  RequestHead many = ScanRequestHead("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nHost: x\r\n\r\n", limits);
  CHECK(many.status == 431);
  // Exactly at the limits is fine.
  std::string line = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1";
  REQUIRE(line.size() == 64);
  CHECK(ScanRequestHead(line + "\r\nHost: x\r\n\r\n", limits).state == State::kComplete);
}

TEST_CASE("field values Nauthera writes can never split a response") {
  CHECK(IsSafeFieldValue("text/html; charset=utf-8"));
  CHECK(IsSafeFieldValue("a\tb"));
  CHECK(IsSafeFieldValue("caf\xc3\xa9"));
  CHECK_FALSE(IsSafeFieldValue("a\r\nSet-Cookie: x=y"));
  CHECK_FALSE(IsSafeFieldValue("a\nb"));
  CHECK_FALSE(IsSafeFieldValue("a\rb"));
  CHECK_FALSE(IsSafeFieldValue(std::string("a\0b", 3)));
  CHECK_FALSE(IsSafeFieldValue("a\x7f"));
  CHECK(IsToken("X-Content-Type-Options"));
  CHECK_FALSE(IsToken("X A"));
  CHECK_FALSE(IsToken(""));
  CHECK_FALSE(IsToken("X:"));
}

}  // namespace nauthera
