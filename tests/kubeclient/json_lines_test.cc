#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "controller/kubeclient/json_lines.h"

namespace nauthera::controller::kube {
namespace {

const std::string kStream =
    "{\"type\":\"ADDED\",\"object\":{\"n\":\"\xc3\xa9t\xc3\xa9\"}}\n"  // UTF-8 to cut inside
    "{\"type\":\"MODIFIED\"}\r\n"
    "\n"
    "{\"type\":\"DELETED\"}\n";
const std::vector<std::string> kLines = {"{\"type\":\"ADDED\",\"object\":{\"n\":\"\xc3\xa9t\xc3\xa9\"}}",
                                         "{\"type\":\"MODIFIED\"}", "{\"type\":\"DELETED\"}"};

std::vector<std::string> FeedAll(const std::vector<std::string>& chunks) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  for (const std::string& chunk : chunks) {
    REQUIRE(splitter.Feed(chunk, [&](absl::string_view line) {
                      lines.emplace_back(line);
                      return true;
                    }).ok());
  }
  CHECK(splitter.pending().empty());
  return lines;
}

TEST_CASE("lines come out whole wherever the chunks are cut (every pair of cut points)") {
  for (size_t i = 0; i <= kStream.size(); ++i) {
    for (size_t j = i; j <= kStream.size(); ++j) {
      CAPTURE(i, j);
      std::vector<std::string> chunks = {kStream.substr(0, i), kStream.substr(i, j - i),
                                         kStream.substr(j)};
      REQUIRE(FeedAll(chunks) == kLines);
    }
  }
}

TEST_CASE("lines come out whole when the stream arrives one byte at a time") {
  std::vector<std::string> chunks;
  for (char c : kStream) chunks.emplace_back(1, c);
  CHECK(FeedAll(chunks) == kLines);
}

TEST_CASE("an unfinished last line is held, not delivered") {
  LineSplitter splitter;
  int count = 0;
  REQUIRE(splitter.Feed("{\"a\":1}\n{\"b\"", [&](absl::string_view) { return ++count, true; }).ok());
  CHECK(count == 1);
  CHECK(splitter.pending() == "{\"b\"");
}

TEST_CASE("a line longer than the limit is an error, not an unbounded buffer") {
  LineSplitter splitter(/*max_line_bytes=*/8);
  auto ignore = [](absl::string_view) { return true; };
  CHECK(splitter.Feed("12345", ignore).ok());
  CHECK(splitter.Feed("6789", ignore).code() == absl::StatusCode::kResourceExhausted);
  LineSplitter other(8);
  CHECK(other.Feed("12345", ignore).ok());
  CHECK(other.Feed("6789\n", ignore).code() == absl::StatusCode::kResourceExhausted);
}

TEST_CASE("the handler can stop the splitting") {
  LineSplitter splitter;
  std::vector<std::string> lines;
  REQUIRE(splitter.Feed("a\nb\nc\n", [&](absl::string_view line) {
                    lines.emplace_back(line);
                    return lines.size() < 2;
                  }).ok());
  CHECK(lines == std::vector<std::string>{"a", "b"});
}

}  // namespace
}  // namespace nauthera::controller::kube
