#include <catch2/catch.hpp>

#include "common/http/chunked_scan.h"

namespace nauthera {

TEST_CASE("a chunked body whose framing is wrong is refused at once") {
  auto [name, body] = GENERATE(table<std::string, std::string>({
      {"negative size", "-1\r\nAAAA\r\n0\r\n\r\n"},
      {"non-hex size", "zz\r\n"},
      {"size overflow", "ffffffffffffffffffff\r\n"},
      {"empty size", "\r\n"},
      {"extension without a name", "5;\r\nhello\r\n0\r\n\r\n"},
      {"extension value without a name", "5;=x\r\nhello\r\n0\r\n\r\n"},
      {"unterminated quoted extension (RFC 9110 §5.6.4)", "5;a=\"open\r\nhello\r\n0\r\n\r\n"},
      {"last chunk with an unterminated quote", "0;a=\"open\r\n\r\n"},
      {"control character in a quoted value", "5;a=\"x\x01\"\r\nhello\r\n0\r\n\r\n"},
      {"garbage after the size", "5 x\r\nhello\r\n0\r\n\r\n"},
      {"data longer than its size", "3\r\nhello\r\n0\r\n\r\n"},
      {"bare LF after the size", "5\nhello\r\n0\r\n\r\n"},
      {"bare CR in the size line", "5\rX\r\nhello\r\n"},
      {"trailer without a colon", "0\r\nnot a field\r\n\r\n"},
      {"folded trailer", "0\r\nA: b\r\n c\r\n\r\n"},
      {"endless size line", "1" + std::string(200, '0')},
      {"endless extension", "1;a=" + std::string(200, 'b')},
  }));
  CAPTURE(name);
  ChunkedScanner scanner(64, 256);
  scanner.Feed(body);
  CHECK(scanner.rejected());
  CHECK_FALSE(scanner.reason().empty());
}

TEST_CASE("a well-framed chunked body passes, byte by byte as well as at once") {
  std::string body =
      "5;name=value;q=\"a \\\"quoted\\\" ; value\"\r\nhello\r\n"
      "A ; bws = token\r\n0123456789\r\n0\r\nX-Trailer: v\r\n\r\n";
  std::string next = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ChunkedScanner whole(64, 256);
  CHECK(whole.Feed(body + next) == body.size());
  CHECK(whole.done());
  ChunkedScanner bytes(64, 256);
  size_t taken = 0;
  for (char c : body + next) {
    if (bytes.done()) break;
    taken += bytes.Feed(std::string(1, c));
  }
  CHECK(bytes.done());
  CHECK(taken == body.size());
  CHECK_FALSE(bytes.rejected());
}

TEST_CASE("an incomplete chunked body waits for more without a verdict") {
  ChunkedScanner scanner(64, 256);
  CHECK(scanner.Feed("10\r\nabc") == 7);
  CHECK_FALSE(scanner.done());
  CHECK_FALSE(scanner.rejected());
}

}  // namespace nauthera
