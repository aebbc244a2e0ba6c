// Files that hold credentials and keys: folders 0700, files 0600, written atomically (a
// temporary file in the same folder, fsync, rename, fsync of the folder) so a crash leaves
// either the old file or the new one, never half of one.
#ifndef NAUTHERA_CONTROLLER_UTIL_PRIVATE_FILES_H_
#define NAUTHERA_CONTROLLER_UTIL_PRIVATE_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace nauthera::controller {

// Creates `path` and its missing parents with mode 0700 (existing folders keep their mode).
absl::Status MakePrivateDirs(const std::string& path);

// Replaces `path` with `content` atomically, mode 0600. The folder must exist.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view content);

// The file's content; NotFound when it does not exist, another error when it cannot be read.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_UTIL_PRIVATE_FILES_H_
