#include <catch2/catch.hpp>

#include "controller/source/folder_source.h"
#include "test_util.h"

namespace nauthera::controller {
namespace {

using testing::TempDir;
using testing::WriteFile;

std::string Sa(const std::string& name, const std::string& scopes = "[openid]") {
  return "apiVersion: auth.nauthera.io/v1alpha1\nkind: NautheraServiceAccount\nmetadata: {name: " +
         name + ", namespace: ci-cd}\nspec:\n  allowedScopes: " + scopes + "\n";
}

StringList Names(const SourceState& state) {
  StringList out;
  for (const ApiObject& object : state.objects) out.push_back(object.meta.name);
  return out;
}

// Waits out the "stable for two polls" rule deterministically: a second Refresh sees the same
// stat and takes the change.
bool Settle(FolderSource& source) {
  bool changed = source.Refresh();
  return source.Refresh() || changed;
}

std::unique_ptr<FolderSource> Open(const TempDir& dir) {
  FolderSource::Options options;
  options.folder = dir.path();
  auto source = FolderSource::Create(options);
  REQUIRE(source.ok());
  return *std::move(source);
}

TEST_CASE("the folder source reads every manifest file, multi-document", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  WriteFile(dir.Path("b.yml"), Sa("three"));
  WriteFile(dir.Path("notes.txt"), "not a manifest");
  WriteFile(dir.Path(".hidden.yaml"), "kind: [");
  auto source = Open(dir);
  CHECK(source->Refresh());
  CHECK(Names(source->Current()) == StringList{"one", "three", "two"});
  CHECK(source->Current().errors.empty());
  CHECK(source->Current().complete);
  CHECK_FALSE(source->Refresh());  // nothing changed: cheap and quiet
}

TEST_CASE("the folder source notices changes, additions and deletions", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("b.yaml"), Sa("two"));
  CHECK(Settle(*source));
  CHECK(Names(source->Current()) == StringList{"one", "two"});
  WriteFile(dir.Path("a.yaml"), Sa("one", "[openid, email]"));
  CHECK(Settle(*source));
  CHECK(source->Current().objects[0].As<ServiceAccountSpec>()->allowed_scopes.size() == 2);
  std::filesystem::remove(dir.Path("b.yaml"));
  CHECK(Settle(*source));
  CHECK(Names(source->Current()) == StringList{"one"});
}

TEST_CASE("a change is taken only once the file is stable for two polls", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("a.yaml"), "");  // caught half-written
  CHECK_FALSE(source->Refresh());
  CHECK(Names(source->Current()) == StringList{"one", "two"});
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two") + "---\n" + Sa("three"));
  CHECK_FALSE(source->Refresh());  // changed again since the last poll
  CHECK(source->Refresh());
  CHECK(Names(source->Current()) == StringList{"one", "three", "two"});
}

TEST_CASE("a file that stops parsing keeps its last good objects", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  WriteFile(dir.Path("b.yaml"), Sa("other"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("a.yaml"), "apiVersion: [broken\n");
  WriteFile(dir.Path("b.yaml"), Sa("other", "[openid, groups]"));
  CHECK(Settle(*source));
  const SourceState& state = source->Current();
  CHECK(Names(state) == StringList{"one", "other", "two"});
  CHECK_FALSE(state.complete);
  // One error for the file, and one on each object it kept, so their status says so.
  REQUIRE(state.errors.size() == 3);
  CHECK(state.errors[0].ToString().find("a.yaml: not valid YAML") != std::string::npos);
  CHECK(state.errors[1].key->name == "one");
  CHECK(state.errors[1].message.find("this file cannot be read") != std::string::npos);
  CHECK(state.errors[2].key->name == "two");
  // Every other file is unaffected: b.yaml's change is taken.
  CHECK(state.objects[1].As<ServiceAccountSpec>()->allowed_scopes.size() == 2);
  // Fixed: the error goes, the objects stay.
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  CHECK(Settle(*source));
  CHECK(source->Current().errors.empty());
  CHECK(source->Current().complete);
}

TEST_CASE("an object whose document breaks keeps its last good version", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one", "[openid, email]") + "---\n" + Sa("two"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("a.yaml"), Sa("one", "openid") + "---\n" + Sa("two"));
  CHECK(Settle(*source));
  const SourceState& state = source->Current();
  CHECK(Names(state) == StringList{"one", "two"});
  CHECK(state.objects[0].As<ServiceAccountSpec>()->allowed_scopes ==
        StringList{"openid", "email"});
  REQUIRE(state.errors.size() == 1);
  CHECK(state.errors[0].key->name == "one");
  CHECK(state.complete);  // identified: nothing is hidden
}

TEST_CASE("an unidentifiable broken document keeps its file's missing objects", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  auto source = Open(dir);
  source->Refresh();
  // A typo in the kind hides which object the document is: nothing of the file may vanish.
  std::string broken = Sa("two");
  broken.replace(broken.find("NautheraServiceAccount"), 22, "NautheraServiceAcount");
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + broken);
  CHECK(Settle(*source));
  CHECK(Names(source->Current()) == StringList{"one", "two"});
  CHECK_FALSE(source->Current().complete);
}

TEST_CASE("an object removed from a file that parses is gone", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("a.yaml"), Sa("one") + "---\n" + Sa("two"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("a.yaml"), Sa("one"));
  CHECK(Settle(*source));
  CHECK(Names(source->Current()) == StringList{"one"});
  CHECK(source->Current().complete);
}

TEST_CASE("a duplicate object is an error and the original stays", "[source]") {
  TempDir dir;
  WriteFile(dir.Path("b.yaml"), Sa("one", "[openid]"));
  auto source = Open(dir);
  source->Refresh();
  WriteFile(dir.Path("a.yaml"), Sa("one", "[email]"));  // sorts first, but is the newcomer
  CHECK(Settle(*source));
  const SourceState& state = source->Current();
  REQUIRE(state.objects.size() == 1);
  CHECK(state.objects[0].location.file == dir.Path("b.yaml"));
  REQUIRE(state.errors.size() == 1);
  CHECK(state.errors[0].location.file == dir.Path("a.yaml"));
  CHECK(state.errors[0].duplicate);
  CHECK(state.errors[0].message.find("is defined again here; the definition in " +
                                     dir.Path("b.yaml") + ", document 1 is in effect") !=
        std::string::npos);
}

TEST_CASE("the folder source refuses a folder that does not exist", "[source]") {
  FolderSource::Options options;
  options.folder = "/nonexistent/nauthera";
  CHECK_FALSE(FolderSource::Create(options).ok());
}

}  // namespace
}  // namespace nauthera::controller
