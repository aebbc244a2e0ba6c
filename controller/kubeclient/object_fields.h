// Typed reads of JSON that came from the API server. The body is network input: a member that
// is missing or has the wrong type reads as the fallback, never as an exception (nlohmann's
// `value()` throws type_error on a wrong type, and on a non-object; tests/fuzz found such
// throws once — see docs/fuzzing.md).
#ifndef NAUTHERA_CONTROLLER_KUBECLIENT_OBJECT_FIELDS_H_
#define NAUTHERA_CONTROLLER_KUBECLIENT_OBJECT_FIELDS_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace nauthera::controller::kube {

// The object at `path` (each element a member name), or nullptr when a step is missing or
// not an object. An empty path is `object` itself when it is an object.
const nlohmann::json* ObjectAt(const nlohmann::json& object,
                               std::initializer_list<absl::string_view> path);

// The string at `path`, or `fallback` when a step is missing or the value is not a string.
std::string StringAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
                     absl::string_view fallback = "");

// The integer at `path`, or `fallback` when missing or not an integer.
int64_t IntAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
              int64_t fallback = 0);

// The boolean at `path`, or `fallback` when missing or not a boolean.
bool BoolAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
            bool fallback = false);

}  // namespace nauthera::controller::kube

#endif  // NAUTHERA_CONTROLLER_KUBECLIENT_OBJECT_FIELDS_H_
