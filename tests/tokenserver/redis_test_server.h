// A real redis-server for tests: a free loopback port, a temporary directory, no persistence
// (--save '' --appendonly no). Killed with the test process (PR_SET_PDEATHSIG) if the test
// dies first.
#ifndef NAUTHERA_TESTS_TOKENSERVER_REDIS_TEST_SERVER_H_
#define NAUTHERA_TESTS_TOKENSERVER_REDIS_TEST_SERVER_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"

namespace nauthera::testing {

class RedisTestServer {
 public:
  RedisTestServer();  // picks the port; call Start()
  ~RedisTestServer();

  // Starts redis-server (on the same port every time) and waits until it answers PING.
  absl::Status Start();
  // SIGTERM and wait.
  void Stop();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const;

  // The process-wide server most tests share (started on first use; REQUIREs success).
  static RedisTestServer& Shared();

 private:
  int port_ = 0;
  std::string dir_;
  pid_t pid_ = -1;
};

// A loopback port nothing listens on right now.
int FreeLoopbackPort();

}  // namespace nauthera::testing

#endif  // NAUTHERA_TESTS_TOKENSERVER_REDIS_TEST_SERVER_H_
