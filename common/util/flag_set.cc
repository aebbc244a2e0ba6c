#include "common/util/flag_set.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace nauthera {

void FlagSet::String(std::string name, std::string* target, std::string help) {
  flags_.push_back({std::move(name), std::move(help), *target, false,
                    [target](const std::string& value) {
                      *target = value;
                      return absl::OkStatus();
                    }});
}

void FlagSet::Int(std::string name, int* target, std::string help) {
  std::string flag = name;
  flags_.push_back({std::move(name), std::move(help), std::to_string(*target), false,
                    [target, flag](const std::string& value) {
                      if (!absl::SimpleAtoi(value, target)) {
                        return absl::InvalidArgumentError(
                            absl::StrCat("--", flag, "=", value, ": write a whole number"));
                      }
                      return absl::OkStatus();
                    }});
}

void FlagSet::Bool(std::string name, bool* target, std::string help) {
  std::string flag = name;
  flags_.push_back({std::move(name), std::move(help), *target ? "true" : "false", true,
                    [target, flag](const std::string& value) {
                      if (!absl::SimpleAtob(value, target)) {
                        return absl::InvalidArgumentError(
                            absl::StrCat("--", flag, "=", value, ": write true or false"));
                      }
                      return absl::OkStatus();
                    }});
}

const FlagSet::Flag* FlagSet::Find(absl::string_view name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::Status FlagSet::Parse(int argc, char** argv, bool* help) {
  *help = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      *help = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    std::string body = arg.substr(2);
    size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    const Flag* flag = Find(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, "; see --help for the flags"));
    }
    std::string value;
    if (eq != std::string::npos) {
      value = body.substr(eq + 1);
    } else if (flag->is_bool) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
    if (absl::Status s = flag->set(value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat(header_, "\n\nFlags:\n");
  for (const Flag& flag : flags_) {
    absl::StrAppend(&out, "  --", flag.name, flag.is_bool ? "" : "=VALUE", "\n      ", flag.help,
                    flag.default_text.empty() ? "" : absl::StrCat(" (default ", flag.default_text, ")"),
                    "\n");
  }
  return out;
}

}  // namespace nauthera
