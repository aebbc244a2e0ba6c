#include "controller/status/status_report.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace nauthera::controller {
namespace {

int KindOrder(const std::string& kind) {
  static constexpr absl::string_view kOrder[] = {"ClusterAuthPolicy", "AuthPolicy", "Namespace",
                                                 "NautheraServiceAccount", "OidcClient"};
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (kOrder[i] == kind) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

// A table cell: a control character (a NUL, a newline, an escape sequence from a manifest)
// as \xNN, so that the file stays one row per object and a terminal showing it runs nothing.
std::string Cell(absl::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : Cell(text); }

}  // namespace

void SortStatuses(std::vector<ObjectStatus>& statuses) {
  std::stable_sort(statuses.begin(), statuses.end(),
                   [](const ObjectStatus& a, const ObjectStatus& b) {
                     return std::make_tuple(KindOrder(a.kind), a.ns, a.name, a.source) <
                            std::make_tuple(KindOrder(b.kind), b.ns, b.name, b.source);
                   });
}

std::string RenderStatusTable(const std::vector<ObjectStatus>& statuses,
                              absl::string_view state_version) {
  using Row = std::array<std::string, 7>;
  std::vector<Row> rows = {{"KIND", "NAMESPACE", "NAME", "READY", "REASON", "CLIENT ID",
                            "MESSAGE"}};
  for (const ObjectStatus& s : statuses) {
    rows.push_back({OrDash(s.kind), OrDash(s.ns), OrDash(s.name), s.ready ? "True" : "False",
                    OrDash(s.reason), OrDash(s.client_id), Cell(s.message)});
  }
  std::array<size_t, 7> width{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      absl::StrAppend(&line, row[i], std::string(width[i] - row[i].size() + 3, ' '));
    }
    absl::StrAppend(&out, line, row.back(), "\n");
  }
  absl::StrAppend(&out, "\nState version served to token servers: ",
                  state_version.empty() ? "(none yet)" : state_version, "\n");
  return out;
}

std::string RenderStatusJson(const std::vector<ObjectStatus>& statuses,
                             absl::string_view state_version) {
  nlohmann::ordered_json objects = nlohmann::ordered_json::array();
  for (const ObjectStatus& s : statuses) {
    nlohmann::ordered_json item;
    item["kind"] = s.kind;
    item["namespace"] = s.ns;
    item["name"] = s.name;
    if (!s.client_id.empty()) item["clientId"] = s.client_id;
    if (!s.credentials_secret_ref.empty()) item["credentialsSecretRef"] = s.credentials_secret_ref;
    item["source"] = s.source;
    item["served"] = s.served;
    if (s.governs) item["governs"] = *s.governs;
    item["conditions"] = nlohmann::ordered_json::array(
        {{{"type", "Ready"},
          {"status", s.ready ? "True" : "False"},
          {"reason", s.reason},
          {"message", s.message}}});
    objects.push_back(std::move(item));
  }
  nlohmann::ordered_json doc;
  doc["stateVersion"] = std::string(state_version);
  doc["objects"] = std::move(objects);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::map<ObjectKey, std::string> ClientIdsFromStatusJson(absl::string_view json) {
  std::map<ObjectKey, std::string> out;
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc["objects"].is_array()) return out;
  for (const nlohmann::json& item : doc["objects"]) {
    // The file is ours, but may be damaged: a member of the wrong type skips the row.
    auto string_of = [&item](const char* name) -> std::optional<std::string> {
      auto it = item.find(name);
      if (it == item.end() || !it->is_string()) return std::nullopt;
      return it->get<std::string>();
    };
    if (!item.is_object()) continue;
    std::optional<std::string> client_id = string_of("clientId");
    std::optional<std::string> kind_name = string_of("kind");
    if (!client_id || !kind_name) continue;
    std::optional<Kind> kind = KindFromName(*kind_name);
    if (!kind || !IsClientKind(*kind)) continue;
    ObjectKey key{*kind, string_of("namespace").value_or(""), string_of("name").value_or("")};
    out[key] = *client_id;
  }
  return out;
}

}  // namespace nauthera::controller
