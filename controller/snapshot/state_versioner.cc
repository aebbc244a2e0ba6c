#include "controller/snapshot/state_versioner.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"

namespace nauthera::controller {

std::string StateContentHash(const nauthera::v1::State& state) {
  nauthera::v1::State content = state;
  content.clear_version();
  content.clear_generated_at();
  // Map fields (scope_claims) serialize in hash order unless asked to be deterministic.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    content.SerializeToCodedStream(&coded);
  }
  return absl::BytesToHexString(Sha256(bytes));
}

bool StateVersioner::Stamp(nauthera::v1::State& state, int64_t now_unix_seconds) {
  std::string hash = StateContentHash(state);
  bool changed = hash != content_hash_;
  if (changed) {
    ++sequence_;
    content_hash_ = hash;
    version_ = absl::StrCat(sequence_, "-", hash.substr(0, 12));
  }
  state.set_version(version_);
  state.set_generated_at(now_unix_seconds);
  return changed;
}

}  // namespace nauthera::controller
