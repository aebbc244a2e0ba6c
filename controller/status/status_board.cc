#include "controller/status/status_board.h"

#include "absl/strings/str_cat.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "controller/status/status_report.h"
#include "controller/util/private_files.h"

namespace nauthera::controller {
namespace {

LogFields Fields(const ObjectStatus& s) {
  LogFields fields = {{"kind", s.kind}, {"namespace", s.ns},  {"name", s.name},
                      {"ready", s.ready ? "True" : "False"},  {"reason", s.reason},
                      {"message", s.message},                 {"source", s.source}};
  if (!s.client_id.empty()) fields.emplace_back("client_id", s.client_id);
  return fields;
}

}  // namespace

void StatusBoard::LogChanges(const std::vector<ObjectStatus>& statuses) {
  std::map<std::string, ObjectStatus> next;
  for (const ObjectStatus& s : statuses) {
    auto old = previous_.find(s.Id());
    bool changed = old == previous_.end() || old->second != s;
    next.emplace(s.Id(), s);
    if (!changed) continue;
    if (s.ready) {
      LogInfo("status", Fields(s));
    } else {
      LogWarning("status: not ready", Fields(s));
    }
  }
  for (const auto& [id, s] : previous_) {
    if (next.count(id) == 0) {
      LogInfo("status: object removed", {{"kind", s.kind}, {"namespace", s.ns}, {"name", s.name}});
    }
  }
  previous_ = std::move(next);
}

absl::Status StatusBoard::Update(std::vector<ObjectStatus> statuses,
                                 const std::string& state_version) {
  SortStatuses(statuses);
  LogChanges(statuses);
  std::string json = RenderStatusJson(statuses, state_version);
  std::string table = RenderStatusTable(statuses, state_version);
  {
    MutexLock lock(&mu_);
    json_ = json;
    statuses_ = statuses;
  }
  if (state_dir_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(WriteFileAtomically(absl::StrCat(state_dir_, "/status.txt"), table));
  return WriteFileAtomically(absl::StrCat(state_dir_, "/status.json"), json);
}

std::string StatusBoard::Json() const {
  MutexLock lock(&mu_);
  return json_;
}

std::vector<ObjectStatus> StatusBoard::Statuses() const {
  MutexLock lock(&mu_);
  return statuses_;
}

}  // namespace nauthera::controller
