#include <catch2/catch.hpp>

#include "tokenserver/oauth/redirect_uri.h"

namespace nauthera {

TEST_CASE("a loopback redirect URI's port may vary, but only as digits (RFC 3986 §3.2.3)") {
  google::protobuf::RepeatedPtrField<std::string> registered;
  registered.Add("http://127.0.0.1/cb");
  auto [requested, ok] = GENERATE(table<std::string, bool>({
      {"http://127.0.0.1/cb", true},
      {"http://127.0.0.1:8000/cb", true},   // RFC 8252 §7.3
      {"http://127.0.0.1:80\r\n\r\n/cb", false},
      {"http://127.0.0.1: 80/cb", false},
      {"http://127.0.0.1:80\t/cb", false},
      {"http://127.0.0.1:+80/cb", false},
      {"http://127.0.0.1:8000/cb\r\nX: y", false},
      {"http://127.0.0.1:8000/other", false},
  }));
  CAPTURE(requested);
  CHECK(RedirectUriMatches(registered, requested) == ok);
}

}  // namespace nauthera
