#include <catch2/catch.hpp>

#include "controller/policy/effective_policy.h"
#include "controller/policy/policy_index.h"

namespace nauthera::controller {
namespace {

PolicyRef Cluster(const std::string& name, const PolicySpec& spec) {
  return PolicyRef{ObjectKey{Kind::kClusterAuthPolicy, "", name}, &spec};
}
PolicyRef Local(const std::string& ns, const std::string& name, const PolicySpec& spec) {
  return PolicyRef{ObjectKey{Kind::kAuthPolicy, ns, name}, &spec};
}

TEST_CASE("effective policy narrows every field as DESIGN.md says", "[policy]") {
  PolicySpec wide;
  wide.allowed_scopes = StringList{"openid", "email", "groups", "profile"};
  wide.allowed_grant_types = StringList{"authorization_code", "client_credentials"};
  wide.allowed_auth_methods = StringList{"none", "client_secret_basic"};
  wide.require_pkce = false;
  wide.access_token_ttl_seconds = 900;
  wide.refresh_token_ttl_seconds = 3600;
  wide.audiences = StringList{"kubernetes"};
  wide.scope_claims = std::map<std::string, StringList>{{"email", {"email", "email_verified"}}};
  PolicySpec narrow;
  narrow.allowed_scopes = StringList{"groups", "openid", "offline_access"};
  narrow.allowed_auth_methods = StringList{"client_secret_basic", "client_secret_post"};
  narrow.require_pkce = true;
  narrow.access_token_ttl_seconds = 600;
  narrow.id_token_ttl_seconds = 300;
  narrow.audiences = StringList{"argo", "kubernetes"};
  narrow.scope_claims = std::map<std::string, StringList>{{"email", {"email"}}, {"x", {"y"}}};

  EffectivePolicy effective = CombinePolicies({Cluster("default", wide), Local("ci", "p", narrow)});
  CHECK(effective.governed_by == StringList{"ClusterAuthPolicy/default", "AuthPolicy/ci/p"});
  CHECK(effective.allowed_scopes == StringList{"openid", "groups"});  // intersection
  CHECK(effective.allowed_grant_types ==
        StringList{"authorization_code", "client_credentials"});  // only one sets it
  CHECK(effective.allowed_auth_methods == StringList{"client_secret_basic"});
  CHECK(effective.require_pkce);                                // any requires it
  CHECK(effective.access_token_ttl_seconds == 600);             // shortest
  CHECK(effective.id_token_ttl_seconds == 300);                 // only one sets it
  CHECK(effective.refresh_token_ttl_seconds == 3600);
  CHECK(effective.audiences == StringList{"argo", "kubernetes"});  // union, sorted, unique
  CHECK(effective.scope_claims.at("email") == StringList{"email"});  // intersection per scope
  CHECK(effective.scope_claims.at("x") == StringList{"y"});
  CHECK(effective.scope_claims.at("groups") == StringList{"groups"});  // default kept
}

TEST_CASE("effective policy leaves unset fields unconstrained and takes default lifetimes",
          "[policy]") {
  PolicySpec empty;
  EffectivePolicy effective = CombinePolicies({Cluster("default", empty)});
  CHECK_FALSE(effective.allowed_scopes.has_value());
  CHECK_FALSE(effective.allowed_grant_types.has_value());
  CHECK_FALSE(effective.require_pkce);
  CHECK(effective.access_token_ttl_seconds == 15 * 60);
  CHECK(effective.id_token_ttl_seconds == 15 * 60);
  CHECK(effective.refresh_token_ttl_seconds == 24 * 3600);
  CHECK(effective.scope_claims == DefaultScopeClaims());
  CHECK(DefaultScopeClaims().at("email") == StringList{"email", "email_verified"});
  CHECK(DefaultScopeClaims().at("profile") == StringList{"name", "preferred_username"});
}

TEST_CASE("an explicit empty list allows nothing", "[policy]") {
  PolicySpec nothing;
  nothing.allowed_scopes = StringList{};
  PolicySpec all;
  all.allowed_scopes = StringList{"openid"};
  EffectivePolicy effective = CombinePolicies({Cluster("a", all), Cluster("b", nothing)});
  REQUIRE(effective.allowed_scopes.has_value());
  CHECK(effective.allowed_scopes->empty());
  auto violations = FindPolicyViolations({{"openid"}, {}, {}, false}, {Cluster("b", nothing)});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0] == "scope \"openid\" is not allowed by ClusterAuthPolicy b");
}

TEST_CASE("policy violations name exactly what was refused and by which policy", "[policy]") {
  PolicySpec cluster;
  cluster.allowed_scopes = StringList{"openid", "email", "groups"};
  cluster.allowed_grant_types = StringList{"authorization_code"};
  cluster.allowed_auth_methods = StringList{"client_secret_basic"};
  PolicySpec ci;
  ci.allowed_scopes = StringList{"openid", "email"};
  std::vector<PolicyRef> policies = {Cluster("default", cluster), Local("ci-cd", "ci-tokens", ci)};

  auto [name, request, want] =
      GENERATE(table<std::string, PolicyRequest, std::vector<std::string>>({
          {"everything allowed",
           PolicyRequest{
               {"openid", "email"}, {"authorization_code"}, {"client_secret_basic"}, false},
           {}},
          {"one policy refuses a scope",
           PolicyRequest{{"openid", "groups"}, {}, {}, false},
           {"scope \"groups\" is not allowed by AuthPolicy ci-cd/ci-tokens"}},
          {"two policies refuse a scope",
           PolicyRequest{{"profile"}, {}, {}, false},
           {"scope \"profile\" is not allowed by ClusterAuthPolicy default and AuthPolicy "
            "ci-cd/ci-tokens"}},
          {"a grant type is refused",
           PolicyRequest{{}, {"authorization_code", "client_credentials"}, {}, false},
           {"grant type \"client_credentials\" is not allowed by ClusterAuthPolicy default"}},
          {"an OidcClient's auth method is refused",
           PolicyRequest{{}, {}, {"client_secret_post"}, false},
           {"auth method \"client_secret_post\" is not allowed by ClusterAuthPolicy default"}},
          {"a service account needs only one secret method",
           PolicyRequest{{}, {}, {"client_secret_basic", "client_secret_post"}, true}, {}},
          {"a service account with no secret method allowed",
           PolicyRequest{{}, {}, {"client_secret_post"}, true},
           {"auth method \"client_secret_post\" is not allowed by ClusterAuthPolicy default"}},
      }));
  CAPTURE(name);
  CHECK(FindPolicyViolations(request, policies) == want);
}

TEST_CASE("policy index finds the policies that govern a namespace", "[policy]") {
  auto object = [](Kind kind, std::string ns, std::string name, auto spec) {
    ApiObject o;
    o.kind = kind;
    o.meta.ns = std::move(ns);
    o.meta.name = std::move(name);
    o.spec = std::move(spec);
    return o;
  };
  ClusterAuthPolicySpec everyone;
  ClusterAuthPolicySpec ci_only;
  ci_only.namespace_selector = LabelSelector{{{"nauthera.io/ci", "true"}}, {}};
  ClusterAuthPolicySpec by_name;
  by_name.namespace_selector =
      LabelSelector{{}, {{"kubernetes.io/metadata.name", LabelSelectorRequirement::Operator::kIn,
                          {"implicit"}}}};
  ApiObject ns = object(Kind::kNamespace, "", "ci-cd", NamespaceSpec{});
  ns.meta.labels = {{"nauthera.io/ci", "true"}};
  std::vector<ApiObject> objects = {
      object(Kind::kClusterAuthPolicy, "", "all", everyone),
      object(Kind::kClusterAuthPolicy, "", "ci", ci_only),
      object(Kind::kClusterAuthPolicy, "", "named", by_name),
      object(Kind::kAuthPolicy, "ci-cd", "local", AuthPolicySpec{}),
      object(Kind::kAuthPolicy, "other", "elsewhere", AuthPolicySpec{}),
      ns,
  };
  PolicyIndex index(objects);
  auto refs = [&](const std::string& n) {
    StringList out;
    for (const PolicyRef& ref : index.Governing(n)) out.push_back(ref.key.ToRef());
    return out;
  };
  CHECK(refs("ci-cd") ==
        StringList{"ClusterAuthPolicy/all", "ClusterAuthPolicy/ci", "AuthPolicy/ci-cd/local"});
  // A namespace nobody declared exists implicitly, with only its name label.
  CHECK(refs("implicit") == StringList{"ClusterAuthPolicy/all", "ClusterAuthPolicy/named"});
  CHECK(index.NamespaceLabels("ci-cd") ==
        Labels{{"kubernetes.io/metadata.name", "ci-cd"}, {"nauthera.io/ci", "true"}});
}

}  // namespace
}  // namespace nauthera::controller
