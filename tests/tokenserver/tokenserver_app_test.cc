#include <catch2/catch.hpp>

#include "tokenserver/app/tokenserver_app.h"

namespace nauthera {

TEST_CASE("a token server that cannot start says why and tears down what it made") {
  auto [name, change] = GENERATE(table<std::string, std::function<void(TokenServerOptions*)>>({
      // Refused before anything is made.
      {"shutdown delay out of range",
       [](TokenServerOptions* o) { o->shutdown_delay = "20m"; }},
      {"plain http off loopback", [](TokenServerOptions* o) { o->listen = "http://10.0.0.1:80"; }},
      // The state stream carries the signing key: never plaintext TCP, loopback included.
      {"state from plaintext TCP on loopback",
       [](TokenServerOptions* o) { o->controller = "127.0.0.1:7070"; }},
      // Refused after the state client exists: its listener cannot be made.
      {"listen address not an IP", [](TokenServerOptions* o) { o->listen = "http://nohost:0"; }},
      {"https without a certificate",
       [](TokenServerOptions* o) { o->listen = "https://127.0.0.1:0"; }},
  }));
  CAPTURE(name);
  TokenServerOptions options;
  options.controller = "unix:/nonexistent/state.sock";
  options.listen = "http://127.0.0.1:0";
  change(&options);
  auto app = TokenServerApp::Start(options);  // a crash here ends the test binary
  CHECK_FALSE(app.ok());
  CHECK_FALSE(app.status().message().empty());
}

}  // namespace nauthera
