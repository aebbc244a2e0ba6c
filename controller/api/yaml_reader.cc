#include "controller/api/yaml_reader.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/duration.h"

namespace nauthera::controller {
namespace {

// yaml-cpp tags a plain scalar "?" and a quoted one "!"; only plain scalars are resolved to
// booleans, numbers and null (YAML 1.2 §10.3.2).
bool IsPlain(const YAML::Node& node) { return node.Tag() == "?" || node.Tag().empty(); }

bool IsPlainBool(const std::string& v) {
  static const std::set<std::string> kBools = {"true", "True", "TRUE", "false", "False", "FALSE"};
  return kBools.count(v) > 0;
}

size_t CountDigits(absl::string_view v, size_t i, bool (*is_digit)(unsigned char)) {
  size_t n = 0;
  while (i + n < v.size() && is_digit(static_cast<unsigned char>(v[i + n]))) ++n;
  return n;
}

bool IsOctal(unsigned char c) { return c >= '0' && c <= '7'; }
bool IsDecimal(unsigned char c) { return absl::ascii_isdigit(c); }
bool IsHex(unsigned char c) { return absl::ascii_isxdigit(c); }

// The YAML 1.2 core schema's int and float forms (§10.3.2): [-+]?[0-9]+, 0o[0-7]+,
// 0x[0-9a-fA-F]+, [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?\.inf, \.nan.
bool IsPlainNumber(absl::string_view v) {
  if (v == ".nan" || v == ".NaN" || v == ".NAN") return true;
  for (absl::string_view prefix : {"0o", "0x"}) {
    if (absl::StartsWith(v, prefix) && v.size() > 2) {
      auto digit = prefix == "0o" ? IsOctal : IsHex;
      return CountDigits(v, 2, digit) == v.size() - 2;
    }
  }
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  absl::string_view rest = v.substr(i);
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return true;
  size_t whole = CountDigits(v, i, IsDecimal);
  i += whole;
  size_t fraction = 0;
  if (i < v.size() && v[i] == '.') {
    fraction = CountDigits(v, i + 1, IsDecimal);
    i += 1 + fraction;
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    size_t exponent = CountDigits(v, i, IsDecimal);
    if (exponent == 0) return false;
    i += exponent;
  }
  return i == v.size();
}

std::string Describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "missing";
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      if (IsPlain(node) && IsPlainBool(node.Scalar())) return "a boolean";
      if (IsPlain(node) && IsPlainNumber(node.Scalar())) return "a number";
      return "a string";
    default:
      return "null";
  }
}

}  // namespace

std::string FieldPath(absl::string_view parent, absl::string_view child) {
  if (parent.empty()) return std::string(child);
  return absl::StrCat(parent, ".", child);
}

std::string IndexPath(absl::string_view parent, size_t index) {
  return absl::StrCat(parent, "[", index, "]");
}

absl::Status FieldError(absl::string_view path, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
}

// yaml-cpp hands out "invalid" nodes for missing keys of a const node, and most of their
// methods throw: every reader checks IsDefined() before anything else.
absl::Status Missing(absl::string_view path) { return FieldError(path, "is required"); }

bool IsAbsent(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return true;
  // `field: null` written plainly arrives as a scalar on some yaml-cpp versions.
  return node.IsScalar() && IsPlain(node) &&
         (node.Scalar() == "~" || node.Scalar() == "null" || node.Scalar() == "Null" ||
          node.Scalar() == "NULL");
}

absl::Status CheckFields(const YAML::Node& node, absl::string_view path,
                         std::initializer_list<absl::string_view> known) {
  if (!node.IsDefined()) return Missing(path.empty() ? "document" : path);
  if (!node.IsMap()) {
    return FieldError(path.empty() ? "document" : path,
                      absl::StrCat("must be a mapping, not ", Describe(node)));
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return FieldError(path, "field names must be strings");
    const std::string& name = it->first.Scalar();
    if (!seen.insert(name).second) {
      return FieldError(FieldPath(path, name), "is set twice; keep one");
    }
    bool is_known = false;
    for (absl::string_view k : known) is_known = is_known || k == name;
    if (!is_known) {
      return FieldError(FieldPath(path, name),
                        absl::StrCat("unknown field; remove it or fix its spelling (known "
                                     "fields here: ",
                                     absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadString(const YAML::Node& node, absl::string_view path) {
  if (!node.IsDefined()) return Missing(path.empty() ? "document" : path);
  if (!node.IsScalar() || IsAbsent(node)) {
    return FieldError(path, absl::StrCat("must be a string, not ", Describe(node)));
  }
  if (IsPlain(node) && (IsPlainBool(node.Scalar()) || IsPlainNumber(node.Scalar()))) {
    return FieldError(path, absl::StrCat("must be a string, not ", Describe(node),
                                         "; put it in quotes: \"", node.Scalar(), "\""));
  }
  return node.Scalar();
}

absl::StatusOr<std::string> ReadNonEmptyString(const YAML::Node& node, absl::string_view path) {
  absl::StatusOr<std::string> value = ReadString(node, path);
  if (value.ok() && value->empty()) return FieldError(path, "must not be empty");
  return value;
}

absl::StatusOr<bool> ReadBool(const YAML::Node& node, absl::string_view path) {
  if (!node.IsDefined()) return Missing(path.empty() ? "document" : path);
  if (node.IsScalar() && IsPlain(node) && IsPlainBool(node.Scalar())) {
    return node.Scalar()[0] == 't' || node.Scalar()[0] == 'T';
  }
  return FieldError(path,
                    absl::StrCat("must be true or false (unquoted), not ", Describe(node)));
}

absl::StatusOr<std::vector<std::string>> ReadStringList(const YAML::Node& node,
                                                        absl::string_view path) {
  if (!node.IsDefined()) return Missing(path.empty() ? "document" : path);
  if (!node.IsSequence()) {
    return FieldError(path, absl::StrCat("must be a list of strings, not ", Describe(node)));
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    absl::StatusOr<std::string> item = ReadNonEmptyString(node[i], IndexPath(path, i));
    if (!item.ok()) return item.status();
    if (!seen.insert(*item).second) {
      return FieldError(IndexPath(path, i),
                        absl::StrCat("\"", *item, "\" is listed twice; keep one"));
    }
    out.push_back(*std::move(item));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ReadStringMap(const YAML::Node& node,
                                                                 absl::string_view path) {
  if (!node.IsDefined()) return Missing(path.empty() ? "document" : path);
  if (!node.IsMap()) {
    return FieldError(path, absl::StrCat("must be a mapping of strings, not ", Describe(node)));
  }
  std::map<std::string, std::string> out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return FieldError(path, "keys must be strings");
    std::string key = it->first.Scalar();
    absl::StatusOr<std::string> value = ReadString(it->second, FieldPath(path, key));
    if (!value.ok()) return value.status();
    if (!out.emplace(key, *std::move(value)).second) {
      return FieldError(FieldPath(path, key), "is set twice; keep one");
    }
  }
  return out;
}

absl::StatusOr<int64_t> ReadDuration(const YAML::Node& node, absl::string_view path) {
  absl::StatusOr<std::string> text = ReadString(node, path);
  if (!text.ok()) return text.status();
  absl::StatusOr<int64_t> seconds = ParseDurationSeconds(*text);
  if (!seconds.ok()) return FieldError(path, seconds.status().message());
  return seconds;
}

}  // namespace nauthera::controller
