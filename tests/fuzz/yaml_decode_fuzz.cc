// DecodeManifests (controller/api/decode.h) on arbitrary bytes: the manifests of the folder
// source, through yaml-cpp and the strict field readers (controller/api/yaml_reader.h).
// Invariants: no exception escapes; text that is not YAML yields no object; every object
// has a name, and every error a message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "controller/api/decode.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  nauthera::controller::DecodedFile decoded =
      nauthera::controller::DecodeManifests(input, "fuzz.yaml");
  if (!decoded.parsed) FUZZ_CHECK(decoded.objects.empty());
  for (const auto& error : decoded.errors) {
    FUZZ_CHECK(!error.message.empty());
    FUZZ_CHECK(!error.ToString().empty());
  }
  return 0;
}
