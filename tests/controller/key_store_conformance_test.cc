// One contract, every KeyStore (controller/keys/key_store.h): the local-mode manifest file and
// the Kubernetes Secret (on the fake API server, which tests/kubeclient's conformance suite
// holds to kube-apiserver's behaviour). The key ring and the rotation rely on these cases.
// What only the Kubernetes store promises (create races, resourceVersion conflicts between
// replicas) is in kubernetes_key_store_test.cc: local mode has one writer.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "common/encoding/base64.h"
#include "controller/keys/key_store.h"
#include "controller/kubeclient/resource_ref.h"
#include "controller/kubernetes/kubernetes_key_store.h"
#include "test_util.h"
#include "tests/kubeclient/fake_kube_client.h"

namespace nauthera::controller {
namespace {

const std::map<std::string, std::string> kFirst = {
    {"keys.json", R"([{"kid":"first"}])"}, {"session_key", std::string(32, 'a')}};
const std::map<std::string, std::string> kSecond = {
    {"keys.json", R"([{"kid":"first"},{"kid":"second"}])"},
    {"session_key", std::string(32, 'a')},
    {"rotation_handled", "1"}};

struct FileBackend {
  testing::TempDir dir;
  std::string Path() const { return dir.Path("keys/nauthera-signing-keys.yaml"); }
  std::unique_ptr<KeyStore> Open() { return MakeFileKeyStore(Path()); }
  // What `kubectl annotate` does to the Secret; here, editing the manifest by hand.
  void Annotate(const std::string& value) {
    std::string text = testing::ReadFile(Path());
    size_t metadata = text.find("metadata:\n");
    REQUIRE(metadata != std::string::npos);
    text.insert(metadata + 10, "  annotations:\n    auth.nauthera.io/rotate: \"" + value + "\"\n");
    testing::WriteFile(Path(), text);
  }
  void Damage() { testing::WriteFile(Path(), "apiVersion: v1\nkind: [Secret\n"); }
};

struct KubernetesBackend {
  kube::testing::FakeKubeClient client;
  std::unique_ptr<KeyStore> Open() { return MakeKubernetesKeyStore(client, "nauthera-system"); }
  void Annotate(const std::string& value) {
    REQUIRE(client
                .Patch(kube::refs::Secrets(), "nauthera-system", "nauthera-signing-keys",
                       kube::PatchType::kMerge,
                       R"({"metadata":{"annotations":{"auth.nauthera.io/rotate":")" + value +
                           R"("}}})")
                .ok());
  }
  void Damage() {
    REQUIRE(client
                .Patch(kube::refs::Secrets(), "nauthera-system", "nauthera-signing-keys",
                       kube::PatchType::kMerge,
                       R"({"data":{"keys.json":"%%% not base64"}})")
                .ok());
  }
};

}  // namespace

TEMPLATE_TEST_CASE("key store: nothing saved yet is NotFound", "[keys][conformance]",
                   FileBackend, KubernetesBackend) {
  TestType backend;
  absl::StatusOr<StoredKeys> loaded = backend.Open()->Load();
  REQUIRE_FALSE(loaded.ok());
  CHECK(absl::IsNotFound(loaded.status()));
}

TEMPLATE_TEST_CASE("key store: what is saved loads back, also in a new process",
                   "[keys][conformance]", FileBackend, KubernetesBackend) {
  TestType backend;
  REQUIRE(backend.Open()->Save(kFirst, "").ok());
  absl::StatusOr<StoredKeys> loaded = backend.Open()->Load();
  REQUIRE(loaded.ok());
  CHECK(loaded->data == kFirst);
  CHECK(loaded->rotate_request.empty());
}

TEMPLATE_TEST_CASE("key store: a save over what was loaded replaces the data",
                   "[keys][conformance]", FileBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Save(kFirst, "").ok());
  absl::StatusOr<StoredKeys> loaded = store->Load();
  REQUIRE(loaded.ok());
  REQUIRE(store->Save(kSecond, loaded->version).ok());
  absl::StatusOr<StoredKeys> after = backend.Open()->Load();
  REQUIRE(after.ok());
  CHECK(after->data == kSecond);
}

TEMPLATE_TEST_CASE("key store: a person's rotate annotation is read and survives saves",
                   "[keys][conformance]", FileBackend, KubernetesBackend) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Save(kFirst, "").ok());
  backend.Annotate("1764720000");
  absl::StatusOr<StoredKeys> loaded = store->Load();
  REQUIRE(loaded.ok());
  CHECK(loaded->rotate_request == "1764720000");
  CHECK(loaded->data == kFirst);
  REQUIRE(store->Save(kSecond, loaded->version).ok());
  absl::StatusOr<StoredKeys> after = store->Load();
  REQUIRE(after.ok());
  CHECK(after->rotate_request == "1764720000");
  CHECK(after->data == kSecond);
}

TEMPLATE_TEST_CASE("key store: damaged contents are an error, never NotFound",
                   "[keys][conformance]", FileBackend, KubernetesBackend) {
  // NotFound would make the key ring create new keys over the damaged ones: every issued
  // token and session would be lost. Any other error stops the start instead.
  TestType backend;
  REQUIRE(backend.Open()->Save(kFirst, "").ok());
  backend.Damage();
  absl::StatusOr<StoredKeys> loaded = backend.Open()->Load();
  REQUIRE_FALSE(loaded.ok());
  CHECK_FALSE(absl::IsNotFound(loaded.status()));
}

TEMPLATE_TEST_CASE("key store: says where the keys are", "[keys][conformance]", FileBackend,
                   KubernetesBackend) {
  TestType backend;
  std::string where = backend.Open()->Where();
  CHECK(where.find("nauthera-signing-keys") != std::string::npos);
}

}  // namespace nauthera::controller
