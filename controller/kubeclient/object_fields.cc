#include "controller/kubeclient/object_fields.h"

namespace nauthera::controller::kube {
namespace {

// The value at `path`: every step but the last must be an object.
const nlohmann::json* ValueAt(const nlohmann::json& object,
                              std::initializer_list<absl::string_view> path) {
  const nlohmann::json* node = &object;
  for (absl::string_view step : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(std::string(step));
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

}  // namespace

const nlohmann::json* ObjectAt(const nlohmann::json& object,
                               std::initializer_list<absl::string_view> path) {
  const nlohmann::json* node = ValueAt(object, path);
  return node != nullptr && node->is_object() ? node : nullptr;
}

std::string StringAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
                     absl::string_view fallback) {
  const nlohmann::json* node = ValueAt(object, path);
  if (node == nullptr || !node->is_string()) return std::string(fallback);
  return node->get<std::string>();
}

int64_t IntAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
              int64_t fallback) {
  const nlohmann::json* node = ValueAt(object, path);
  if (node == nullptr || !node->is_number_integer()) return fallback;
  return node->get<int64_t>();
}

bool BoolAt(const nlohmann::json& object, std::initializer_list<absl::string_view> path,
            bool fallback) {
  const nlohmann::json* node = ValueAt(object, path);
  if (node == nullptr || !node->is_boolean()) return fallback;
  return node->get<bool>();
}

}  // namespace nauthera::controller::kube
