// The conformance suite (conformance.cc) against FakeKubeClient.
#include "tests/kubeclient/conformance.h"
#include "tests/kubeclient/fake_kube_client.h"

namespace nauthera::controller::kube::testing {
namespace {

class FakeTarget : public ConformanceTarget {
 public:
  KubeClient& client() override { return fake_; }
  std::string Namespace(const std::string& name) override { return name; }
  void ExpireOldVersions() override { fake_.Compact(); }

 private:
  FakeKubeClient fake_;
};

}  // namespace

ConformanceTarget& Target() {
  static ConformanceTarget* target = new FakeTarget();
  return *target;
}

}  // namespace nauthera::controller::kube::testing
