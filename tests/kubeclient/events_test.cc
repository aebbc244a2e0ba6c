#include <catch2/catch.hpp>

#include <string>

#include "controller/kubeclient/events.h"

namespace nauthera::controller::kube {
namespace {

TEST_CASE("an Event names its object, its reporter, and when, in the events.k8s.io/v1 shape") {
  Object client = {{"apiVersion", "auth.nauthera.io/v1alpha1"},
                   {"kind", "OidcClient"},
                   {"metadata",
                    {{"name", "web"}, {"namespace", "team-a"}, {"uid", "u-1"},
                     {"resourceVersion", "7"}}}};
  EventSpec spec;
  spec.regarding = ReferenceTo(client);
  spec.type = "Warning";
  spec.reason = "SecretRecreated";
  spec.note = std::string(2000, 'x');
  spec.reporting_instance = "nauthera-controller-0";
  Object event = MakeEvent(spec, absl::FromUnixMicros(1795000000123456));
  CHECK(event["apiVersion"] == "events.k8s.io/v1");
  CHECK(event["metadata"]["namespace"] == "team-a");
  CHECK(event["metadata"]["name"].get<std::string>().rfind("web.", 0) == 0);
  CHECK(event["eventTime"] == "2026-11-18T11:06:40.123456Z");
  CHECK(event["regarding"]["kind"] == "OidcClient");
  CHECK(event["regarding"]["uid"] == "u-1");
  CHECK(event["reason"] == "SecretRecreated");
  CHECK(event["action"] == "SecretRecreated");
  CHECK(event["note"].get<std::string>().size() == 1024);
  CHECK(event["reportingController"] == "auth.nauthera.io/controller");
  CHECK(event["reportingInstance"] == "nauthera-controller-0");
}

TEST_CASE("an Event about a cluster-scoped object goes to namespace default") {
  EventSpec spec;
  spec.regarding = {{"apiVersion", "auth.nauthera.io/v1alpha1"},
                    {"kind", "ClusterAuthPolicy"},
                    {"name", "default"}};
  spec.reason = "Applied";
  CHECK(MakeEvent(spec, absl::Now())["metadata"]["namespace"] == "default");
}

}  // namespace
}  // namespace nauthera::controller::kube
