#include "controller/source/folder_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hashing.h"

namespace nauthera::controller {
namespace {

// Far above any real set of manifests, far below what would hurt the controller's memory.
constexpr int64_t kMaxManifestBytes = 4 << 20;

bool IsManifestName(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;  // hidden files, editors' swap files
  return absl::EndsWith(name, ".yaml") || absl::EndsWith(name, ".yml");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FolderSource>> FolderSource::Create(Options options) {
  while (options.folder.size() > 1 && options.folder.back() == '/') options.folder.pop_back();
  std::unique_ptr<FolderSource> source(new FolderSource(std::move(options)));
  absl::StatusOr<std::map<std::string, FileStat>> listing = source->List();
  if (!listing.ok()) return listing.status();
  return source;
}

absl::StatusOr<std::map<std::string, FolderSource::FileStat>> FolderSource::List() const {
  std::error_code error;
  std::filesystem::directory_iterator it(options_.folder, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the manifests folder ", options_.folder, ": ", error.message()));
  }
  std::map<std::string, FileStat> out;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) break;
    std::string name = it->path().filename().string();
    if (!IsManifestName(name)) continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    out[name] = FileStat{static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                             st.st_mtim.tv_nsec,
                         static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
  }
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the manifests folder ", options_.folder, ": ", error.message()));
  }
  return out;
}

bool FolderSource::Take(const std::string& name, const Observation& seen, bool force_read) {
  auto it = files_.find(name);
  if (!seen) {
    if (it == files_.end()) return false;
    files_.erase(it);  // the file is gone (and stayed gone): so are its objects
    return true;
  }
  if (it != files_.end() && it->second.stat == *seen && !force_read) return false;
  std::string path = absl::StrCat(options_.folder, "/", name);
  FileState state;
  state.stat = *seen;
  if (seen->size > kMaxManifestBytes) {
    state.content_hash = absl::StrCat("too large:", seen->size);
    state.decoded.parsed = false;
    state.decoded.errors.push_back(DecodeError{
        SourceLocation{path, 0}, std::nullopt,
        absl::StrCat("the file is ", seen->size, " bytes, more than the ", kMaxManifestBytes,
                     " a manifest file may have; split it (its objects keep their last good "
                     "version)"),
        false});
    files_[name] = std::move(state);
    return it == files_.end() || it->second.content_hash != files_[name].content_hash;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in.is_open() || in.bad()) {
    // Unreadable is not empty: keep what the file held, as for invalid YAML.
    state.content_hash = "unreadable";
    state.decoded.parsed = false;
    state.decoded.errors.push_back(DecodeError{
        SourceLocation{path, 0}, std::nullopt,
        absl::StrCat("cannot read the file: ", std::strerror(errno),
                     "; fix its permissions (its objects keep their last good version)"),
        false});
  } else {
    state.content_hash = Sha256(content.str());
  }
  if (it != files_.end() && it->second.content_hash == state.content_hash) {
    it->second.stat = *seen;  // touched, not changed
    return false;
  }
  if (state.decoded.parsed) state.decoded = DecodeManifests(content.str(), path);
  files_[name] = std::move(state);
  return true;
}

bool FolderSource::Refresh() {
  ++refreshes_;
  bool force = first_ || (options_.full_reread_every > 0 &&
                          refreshes_ % options_.full_reread_every == 0);
  bool changed = first_;
  absl::StatusOr<std::map<std::string, FileStat>> listing = List();
  if (!listing.ok()) {
    // The folder is unreadable (or gone): keep every object, report why.
    std::string message(listing.status().message());
    changed = changed || folder_error_ != message;
    folder_error_ = message;
  } else {
    if (folder_error_) changed = true;
    folder_error_.reset();
    std::set<std::string> names;
    for (const auto& entry : *listing) names.insert(entry.first);
    for (const auto& entry : files_) names.insert(entry.first);
    for (const std::string& name : names) {
      auto found = listing->find(name);
      Observation seen;
      if (found != listing->end()) seen = found->second;
      bool stable = !options_.wait_until_stable || first_ || last_seen_[name] == seen;
      last_seen_[name] = seen;
      if (stable) changed = Take(name, seen, force) || changed;
    }
    for (auto it = last_seen_.begin(); it != last_seen_.end();) {
      it = (!it->second && files_.count(it->first) == 0) ? last_seen_.erase(it) : std::next(it);
    }
  }
  first_ = false;
  if (changed) Merge();
  return changed;
}

void FolderSource::Merge() {
  SourceState previous = std::move(current_);
  current_ = SourceState{};
  std::map<ObjectKey, const ApiObject*> last_good;
  for (const ApiObject& object : previous.objects) last_good[object.Key()] = &object;

  if (folder_error_) {
    current_.objects = std::move(previous.objects);
    current_.complete = false;
    current_.errors.push_back(
        DecodeError{SourceLocation{options_.folder, 0}, std::nullopt, *folder_error_, false});
    return;
  }
  // 1. Candidates for each key, in file order; broken files and documents contribute the
  //    last good version of what they held.
  std::map<ObjectKey, std::vector<ApiObject>> candidates;
  for (const auto& [name, file] : files_) {
    std::string path = absl::StrCat(options_.folder, "/", name);
    const DecodedFile& decoded = file.decoded;
    std::set<ObjectKey> here;
    for (const ApiObject& object : decoded.objects) {
      candidates[object.Key()].push_back(object);
      here.insert(object.Key());
    }
    for (const DecodeError& error : decoded.errors) {
      current_.errors.push_back(error);
      if (!error.key || here.count(*error.key) > 0) continue;
      auto good = last_good.find(*error.key);
      if (good != last_good.end()) {
        candidates[*error.key].push_back(*good->second);
        here.insert(*error.key);
      }
    }
    if (!decoded.parsed || !decoded.identified_all) {
      current_.complete = false;
      for (const ApiObject& object : previous.objects) {
        if (object.location.file != path || here.count(object.Key()) > 0) continue;
        candidates[object.Key()].push_back(object);
        // Said on the object itself, so its status shows it is running on a last good version.
        current_.errors.push_back(DecodeError{
            object.location, object.Key(),
            decoded.parsed ? "a document of this file cannot be identified (see its error), so "
                             "this object may have been changed or removed there"
                           : "this file cannot be read (see its error)",
            false});
      }
    }
  }
  // 2. One object per key. A duplicate keeps the file it was in before, so adding a copy
  //    elsewhere never swaps the object under its users; the others are errors.
  for (auto& [key, list] : candidates) {
    size_t winner = 0;
    auto good = last_good.find(key);
    for (size_t i = 0; good != last_good.end() && i < list.size(); ++i) {
      if (list[i].location.file == good->second->location.file) {
        winner = i;
        break;
      }
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (i == winner) continue;
      DecodeError error{list[i].location, key,
                        absl::StrCat(key.ToString(), " is defined again here; the definition in ",
                                     list[winner].location.ToString(),
                                     " is in effect. Each object must be defined once: delete "
                                     "one of them"),
                        false};
      error.duplicate = true;
      current_.errors.push_back(std::move(error));
    }
    current_.objects.push_back(std::move(list[winner]));
  }
  std::sort(current_.errors.begin(), current_.errors.end(),
            [](const DecodeError& a, const DecodeError& b) {
              return std::tie(a.location.file, a.location.document) <
                     std::tie(b.location.file, b.location.document);
            });
}

}  // namespace nauthera::controller
