// The conformance suite: the cases in conformance.cc run against FakeKubeClient (kubeclient_tests,
// fake_conformance_test.cc) and against a real kube-apiserver (kubeclient_cluster_test), so the fake
// that other unit tests use is held to what the real API server does. Each binary defines
// Target().
#ifndef NAUTHERA_TESTS_KUBE_CONFORMANCE_H_
#define NAUTHERA_TESTS_KUBE_CONFORMANCE_H_

#include <string>

#include "controller/kubeclient/kube_client.h"

namespace nauthera::controller::kube::testing {

class ConformanceTarget {
 public:
  virtual ~ConformanceTarget() = default;
  virtual KubeClient& client() = 0;
  // A namespace of the case's own, so cases do not see each other's objects.
  virtual std::string Namespace(const std::string& name) = 0;
  // Makes every resourceVersion handed out so far too old to watch from (410).
  virtual void ExpireOldVersions() = 0;
};

// Defined by each test binary that links conformance.cc.
ConformanceTarget& Target();

}  // namespace nauthera::controller::kube::testing

#endif  // NAUTHERA_TESTS_KUBE_CONFORMANCE_H_
