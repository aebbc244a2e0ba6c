// nauthera-hash-password: prints an argon2id hash of a password, or a whole Secret manifest
// holding it, so a person can create a NautheraUser without other tools. The password is read
// from standard input (without echo on a terminal), never from the command line, where it
// would land in shell history and process listings.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "common/crypto/password_hash.h"
#include "common/util/flag_set.h"

namespace {

std::string ReadPassword() {
  bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "Password: ");
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

int main(int argc, char** argv) {
  std::string secret_name;
  std::string ns = "nauthera-system";
  std::string key = "password";
  nauthera::FlagSet flags(
      "nauthera-hash-password reads a password on standard input and prints its argon2id hash.\n"
      "  echo -n 'a long passphrase' | nauthera-hash-password\n"
      "  nauthera-hash-password --secret=alice-password > alice-password.yaml   (asks for it)");
  flags.String("secret", &secret_name,
               "Print a Kubernetes Secret manifest with this name holding the hash");
  flags.String("namespace", &ns, "Namespace of the printed Secret");
  flags.String("key", &key, "Key of the hash in the printed Secret");
  bool help = false;
  if (absl::Status s = flags.Parse(argc, argv, &help); !s.ok()) {
    std::fprintf(stderr, "nauthera-hash-password: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (help) {
    std::printf("%s", flags.Usage().c_str());
    return 0;
  }
  std::string password = ReadPassword();
  if (password.size() < 8) {
    std::fprintf(stderr, "nauthera-hash-password: use a password of at least 8 characters\n");
    return 1;
  }
  auto hash = nauthera::HashPasswordArgon2id(password);
  if (!hash.ok()) {
    std::fprintf(stderr, "nauthera-hash-password: %s\n", std::string(hash.status().message()).c_str());
    return 1;
  }
  if (secret_name.empty()) {
    std::printf("%s\n", hash->c_str());
    return 0;
  }
  std::printf(
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\n"
      "stringData:\n  %s: '%s'\n",
      secret_name.c_str(), ns.c_str(), key.c_str(), hash->c_str());
  return 0;
}
