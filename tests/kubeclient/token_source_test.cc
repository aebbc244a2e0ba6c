#include <catch2/catch.hpp>

#include <string>

#include "controller/kubeclient/token_source.h"
#include "tests/kubeclient/kube_test_util.h"

namespace nauthera::controller::kube {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST_CASE("a file token is re-read once a minute has passed, not before") {
  TempDir dir;
  WriteFile(dir.Path("token"), "one");
  absl::Time now = absl::FromUnixSeconds(1000);
  auto source = TokenSource::FromFile(dir.Path("token"), absl::Minutes(1), [&] { return now; });
  REQUIRE(source.ok());
  CHECK((*source)->Token() == "one");
  WriteFile(dir.Path("token"), "two");  // the kubelet rotated it
  now += absl::Seconds(59);
  CHECK((*source)->Token() == "one");
  now += absl::Seconds(1);
  CHECK((*source)->Token() == "two");
}

TEST_CASE("after a 401 the file is read at once") {
  TempDir dir;
  WriteFile(dir.Path("token"), "one");
  absl::Time now = absl::FromUnixSeconds(1000);
  auto source = TokenSource::FromFile(dir.Path("token"), absl::Minutes(1), [&] { return now; });
  REQUIRE(source.ok());
  WriteFile(dir.Path("token"), "two");
  (*source)->Invalidate();
  CHECK((*source)->Token() == "two");
}

TEST_CASE("a token file that vanishes keeps the last good token") {
  TempDir dir;
  WriteFile(dir.Path("token"), "one");
  absl::Time now = absl::FromUnixSeconds(1000);
  auto source = TokenSource::FromFile(dir.Path("token"), absl::Minutes(1), [&] { return now; });
  REQUIRE(source.ok());
  std::filesystem::remove(dir.Path("token"));
  now += absl::Minutes(2);
  CHECK((*source)->Token() == "one");
}

TEST_CASE("an empty or missing token file is an error at the start") {
  TempDir dir;
  WriteFile(dir.Path("empty"), "\n");
  CHECK(TokenSource::FromFile(dir.Path("empty")).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(TokenSource::FromFile(dir.Path("missing")).status().code() ==
        absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace nauthera::controller::kube
