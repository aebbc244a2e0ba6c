// Strict decoders for each kind's `spec` (and for policies' shared fields). Used by decode.cc;
// each returns the first error as "<field path>: <what to do>".
#ifndef NAUTHERA_CONTROLLER_API_DECODE_SPECS_H_
#define NAUTHERA_CONTROLLER_API_DECODE_SPECS_H_

#include <yaml-cpp/yaml.h>

#include "absl/status/statusor.h"
#include "controller/api/types.h"

namespace nauthera::controller {

// `node` is the spec (may be absent where the kind allows it).
absl::StatusOr<OidcClientSpec> DecodeOidcClientSpec(const YAML::Node& node);
absl::StatusOr<ServiceAccountSpec> DecodeServiceAccountSpec(const YAML::Node& node);
absl::StatusOr<ClusterAuthPolicySpec> DecodeClusterAuthPolicySpec(const YAML::Node& node);
absl::StatusOr<AuthPolicySpec> DecodeAuthPolicySpec(const YAML::Node& node);
absl::StatusOr<NautheraUserSpec> DecodeNautheraUserSpec(const YAML::Node& node);
// `doc` is the whole Secret document: its data lives beside metadata, not under spec.
absl::StatusOr<SecretSpec> DecodeSecret(const YAML::Node& doc);
absl::StatusOr<LabelSelector> DecodeLabelSelector(const YAML::Node& node,
                                                  absl::string_view path);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_DECODE_SPECS_H_
