// Local mode's source: every *.yaml / *.yml file directly in one folder (not recursive;
// hidden files and editor backups are skipped), each holding multi-document manifests.
//
// Nothing is lost to a bad edit:
//  - a file that is not valid YAML keeps the objects it last held, with an error;
//  - a document that fails to decode keeps its object's last good version, with an error;
//  - a file's change is taken only once two polls in a row see the same size and mtime, so a
//    file caught half-written (or briefly missing while an editor saves it) is never read as
//    "these objects were deleted".
// An object is gone only when its file parsed cleanly without it, or the file is gone.
#ifndef NAUTHERA_CONTROLLER_SOURCE_FOLDER_SOURCE_H_
#define NAUTHERA_CONTROLLER_SOURCE_FOLDER_SOURCE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "controller/source/source.h"

namespace nauthera::controller {

class FolderSource : public Source {
 public:
  struct Options {
    std::string folder;
    // Take a change only when the file's stat was the same at the previous Refresh.
    bool wait_until_stable = true;
    // Re-read every file's content every this many refreshes, whatever the stats say (a
    // rewrite within one mtime tick keeps size and mtime).
    int full_reread_every = 10;
  };

  // Fails when the folder does not exist or cannot be listed.
  static absl::StatusOr<std::unique_ptr<FolderSource>> Create(Options options);

  bool Refresh() override;
  const SourceState& Current() const override { return current_; }

 private:
  struct FileStat {
    int64_t mtime_ns = 0;
    int64_t size = 0;
    uint64_t inode = 0;
    bool operator==(const FileStat& o) const {
      return mtime_ns == o.mtime_ns && size == o.size && inode == o.inode;
    }
  };
  // What was last taken from one file.
  struct FileState {
    FileStat stat;
    std::string content_hash;
    DecodedFile decoded;
  };
  using Observation = std::optional<FileStat>;  // nullopt: the file is not there

  explicit FolderSource(Options options) : options_(std::move(options)) {}
  // Lists the folder: file name -> stat. Fails when the folder cannot be listed.
  absl::StatusOr<std::map<std::string, FileStat>> List() const;
  // Applies one file's new observation; true when its content (or presence) changed.
  bool Take(const std::string& name, const Observation& seen, bool force_read);
  // Rebuilds current_ from files_ and the previous current_ (the last good objects).
  void Merge();

  Options options_;
  bool first_ = true;
  int refreshes_ = 0;
  std::map<std::string, FileState> files_;
  std::map<std::string, Observation> last_seen_;
  std::optional<std::string> folder_error_;
  SourceState current_;
};

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_SOURCE_FOLDER_SOURCE_H_
