#include "tokenserver/oauth/redirect_uri.h"

#include "absl/strings/str_cat.h"
#include "common/util/url.h"

namespace nauthera {
namespace {

bool IsLoopbackIpLiteral(const std::string& host) {
  // RFC 8252 §8.3: "localhost" is NOT included; only IP literals get the port exception.
  return host != "localhost" && IsLoopbackHost(host);
}

bool LoopbackMatch(const std::string& registered, const std::string& requested) {
  auto a = ParseUrl(registered);
  auto b = ParseUrl(requested);
  if (!a.ok() || !b.ok()) return false;
  return a->scheme == "http" && b->scheme == "http" && IsLoopbackIpLiteral(a->host) &&
         a->host == b->host && a->path == b->path && a->query == b->query &&
         b->fragment.empty() && requested.find('#') == std::string::npos;
}

}  // namespace

bool RedirectUriMatches(const google::protobuf::RepeatedPtrField<std::string>& registered,
                        const std::string& requested) {
  if (requested.empty() || requested.find('#') != std::string::npos) return false;
  for (const std::string& uri : registered) {
    if (uri == requested || LoopbackMatch(uri, requested)) return true;
  }
  return false;
}

std::string AppendQuery(const std::string& uri, const std::string& params) {
  size_t question = uri.find('?');
  if (question == std::string::npos) return absl::StrCat(uri, "?", params);
  if (question + 1 == uri.size() || uri.back() == '&') return absl::StrCat(uri, params);
  return absl::StrCat(uri, "&", params);
}

}  // namespace nauthera
