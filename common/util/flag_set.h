// Command-line flags in the Kubernetes style (--kebab-case=value, --flag value, --bool),
// with a usage text built from the declarations. Unknown flags are errors that say so.
#ifndef NAUTHERA_COMMON_UTIL_FLAG_SET_H_
#define NAUTHERA_COMMON_UTIL_FLAG_SET_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace nauthera {

class FlagSet {
 public:
  explicit FlagSet(std::string usage_header) : header_(std::move(usage_header)) {}

  void String(std::string name, std::string* target, std::string help);
  void Int(std::string name, int* target, std::string help);
  void Bool(std::string name, bool* target, std::string help);

  // Parses argv[1..]. Sets *help when --help/-h was given.
  absl::Status Parse(int argc, char** argv, bool* help);
  std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string default_text;
    bool is_bool = false;
    std::function<absl::Status(const std::string&)> set;
  };
  const Flag* Find(absl::string_view name) const;

  std::string header_;
  std::vector<Flag> flags_;
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_UTIL_FLAG_SET_H_
