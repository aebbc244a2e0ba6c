#include "tests/tokenserver/redis_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tokenserver/store/redis_client.h"

namespace nauthera::testing {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

RedisTestServer::RedisTestServer() : port_(FreeLoopbackPort()) {
  char tmpl[] = "/tmp/nauthera-redis-test-XXXXXX";
  if (mkdtemp(tmpl) != nullptr) dir_ = tmpl;
}

RedisTestServer::~RedisTestServer() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string RedisTestServer::url() const { return absl::StrCat("redis://127.0.0.1:", port_); }

absl::Status RedisTestServer::Start() {
  if (pid_ > 0) return absl::OkStatus();
  if (port_ == 0 || dir_.empty()) return absl::InternalError("no port or temporary directory");
  std::string port = std::to_string(port_);
  std::string log = dir_ + "/redis.log";
  std::vector<std::string> args = {"redis-server", "--port", port, "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", dir_,
                                   "--logfile", log, "--daemonize", "no"};
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    std::perror("exec redis-server");
    _exit(127);
  }
  pid_ = pid;
  RedisClient::Options options;
  options.url.host = "127.0.0.1";
  options.url.port = port_;
  options.pool_size = 1;
  options.reconnect_backoff = std::chrono::milliseconds(0);
  RedisClient client(options);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.Ping().ok()) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError("redis-server exited; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError("redis-server did not answer within 10 s");
}

void RedisTestServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

namespace {
RedisTestServer* shared_server = nullptr;
}  // namespace

RedisTestServer& RedisTestServer::Shared() {
  static bool started = [] {
    shared_server = new RedisTestServer();
    absl::Status status = shared_server->Start();
    if (!status.ok()) {
      std::fprintf(stderr, "cannot start redis-server: %s\n",
                   std::string(status.message()).c_str());
      std::abort();
    }
    std::atexit([] { delete shared_server; });
    return true;
  }();
  (void)started;
  return *shared_server;
}

}  // namespace nauthera::testing
