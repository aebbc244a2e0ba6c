// Stamps States with a version "<sequence>-<first 12 hex digits of SHA-256 of the content>"
// (content = the deterministic serialization without version and generated_at). The sequence
// moves only when the content does, so a reconcile that changes nothing sends nothing.
#ifndef NAUTHERA_CONTROLLER_SNAPSHOT_STATE_VERSIONER_H_
#define NAUTHERA_CONTROLLER_SNAPSHOT_STATE_VERSIONER_H_

#include <cstdint>
#include <string>

#include "nauthera/v1/state.pb.h"

namespace nauthera::controller {

// The content hash (hex) of `state`, ignoring version and generated_at.
std::string StateContentHash(const nauthera::v1::State& state);

class StateVersioner {
 public:
  // Sets state.version (and generated_at = now). Returns true when the content differs from
  // the last stamped State (a new version), false when it is the same (the old version kept).
  bool Stamp(nauthera::v1::State& state, int64_t now_unix_seconds);

  const std::string& version() const { return version_; }

 private:
  uint64_t sequence_ = 0;
  std::string content_hash_;
  std::string version_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SNAPSHOT_STATE_VERSIONER_H_
