// The kinds the controller reads, and how an object is named: kube-agnostic, so the folder
// source and (later) the Kubernetes API source produce the same types.
#ifndef NAUTHERA_CONTROLLER_API_KINDS_H_
#define NAUTHERA_CONTROLLER_API_KINDS_H_

#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/string_view.h"

namespace nauthera::controller {

inline constexpr absl::string_view kNautheraApiVersion = "auth.nauthera.io/v1alpha1";
inline constexpr absl::string_view kCoreApiVersion = "v1";

enum class Kind {
  kNamespace,
  kOidcClient,
  kServiceAccount,  // NautheraServiceAccount
  kClusterAuthPolicy,
  kAuthPolicy,
  kNautheraUser,
  // A core v1 Secret from the manifests: in local mode, where NautheraUsers' password hashes
  // live (passwordSecretRef). Only read, never written.
  kSecret,
};

// "OidcClient", "NautheraServiceAccount", ... as written in manifests.
absl::string_view KindName(Kind kind);
// "auth.nauthera.io/v1alpha1", or "v1" for Namespace.
absl::string_view KindApiVersion(Kind kind);
// The kind named `name`, or nullopt.
std::optional<Kind> KindFromName(absl::string_view name);
bool IsNamespaced(Kind kind);
// OidcClient and NautheraServiceAccount: the kinds that get credentials and reach the state.
bool IsClientKind(Kind kind);
bool IsPolicyKind(Kind kind);

// Identifies one object, as Kubernetes does: kind, namespace ("" when cluster-scoped), name.
struct ObjectKey {
  Kind kind = Kind::kNamespace;
  std::string ns;
  std::string name;

  // "OidcClient nauthera-system/kubectl", "ClusterAuthPolicy default".
  std::string ToString() const;
  // "AuthPolicy/ci-cd/ci-tokens", "ClusterAuthPolicy/default": the governed_by form.
  std::string ToRef() const;

  friend bool operator<(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.ns, a.name, a.kind) < std::tie(b.ns, b.name, b.kind);
  }
  friend bool operator==(const ObjectKey& a, const ObjectKey& b) {
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
  }
  friend bool operator!=(const ObjectKey& a, const ObjectKey& b) { return !(a == b); }
};

// Where a document came from: a file and its 1-based document index, for error messages.
struct SourceLocation {
  std::string file;
  int document = 0;

  // "examples/quickstart/20-ci.yaml, document 2".
  std::string ToString() const;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_KINDS_H_
