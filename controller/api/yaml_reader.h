// Strict readers for YAML fields, in the manner of Kubernetes' strict field validation: a
// wrong type, an unknown or duplicated field is an error, never silently ignored. Each error
// is InvalidArgument with a message "<field path>: <what is wrong and what to do>".
//
// Types follow the YAML 1.2 core schema, as the Kubernetes API's JSON does: a plain (unquoted)
// `true`, `42` or `1.5` is a boolean or a number, not a string, so `displayName: 42` is an
// error that says to quote it. A field written as `~`, `null` or nothing at all is absent.
#ifndef NAUTHERA_CONTROLLER_API_YAML_READER_H_
#define NAUTHERA_CONTROLLER_API_YAML_READER_H_

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller {

// "spec" + "redirectUris" -> "spec.redirectUris"; "" + "spec" -> "spec".
std::string FieldPath(absl::string_view parent, absl::string_view child);
// "spec.redirectUris" + 2 -> "spec.redirectUris[2]".
std::string IndexPath(absl::string_view parent, size_t index);

absl::Status FieldError(absl::string_view path, absl::string_view message);

// True when the field is missing or null.
bool IsAbsent(const YAML::Node& node);

// REQUIRES: nothing. Fails unless `node` is a mapping whose keys are unique strings, each one
// of `known` (the message lists them, so a misspelling is easy to spot).
absl::Status CheckFields(const YAML::Node& node, absl::string_view path,
                         std::initializer_list<absl::string_view> known);

absl::StatusOr<std::string> ReadString(const YAML::Node& node, absl::string_view path);
// A string that must not be empty.
absl::StatusOr<std::string> ReadNonEmptyString(const YAML::Node& node, absl::string_view path);
absl::StatusOr<bool> ReadBool(const YAML::Node& node, absl::string_view path);
// A sequence of non-empty strings without repeats.
absl::StatusOr<std::vector<std::string>> ReadStringList(const YAML::Node& node,
                                                        absl::string_view path);
// A mapping of string keys to string values.
absl::StatusOr<std::map<std::string, std::string>> ReadStringMap(const YAML::Node& node,
                                                                 absl::string_view path);
// A duration ("15m", "24h") in seconds.
absl::StatusOr<int64_t> ReadDuration(const YAML::Node& node, absl::string_view path);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_YAML_READER_H_
