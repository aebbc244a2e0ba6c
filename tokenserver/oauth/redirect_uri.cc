#include "tokenserver/oauth/redirect_uri.h"

#include "absl/strings/str_cat.h"
#include "common/util/url.h"

namespace nauthera {
namespace {

bool IsLoopbackIpLiteral(const std::string& host) {
  // RFC 8252 §8.3: "localhost" is NOT included; only IP literals get the port exception.
  return host != "localhost" && IsLoopbackHost(host);
}

std::string PathOrSlash(const std::string& path) { return path.empty() ? "/" : path; }

// "scheme://authority" + "/" when the URI has no path; otherwise the URI unchanged.
std::string WithSlashPath(const std::string& uri) {
  auto url = ParseUrl(uri);
  if (!url.ok() || !url->path.empty()) return uri;
  size_t end = uri.find_first_of("?#", uri.find("://") + 3);
  if (end == std::string::npos) return uri + "/";
  return uri.substr(0, end) + "/" + uri.substr(end);
}

bool LoopbackMatch(const std::string& registered, const std::string& requested) {
  auto a = ParseUrl(registered);
  auto b = ParseUrl(requested);
  if (!a.ok() || !b.ok()) return false;
  return a->scheme == "http" && b->scheme == "http" && IsLoopbackIpLiteral(a->host) &&
         a->host == b->host && PathOrSlash(a->path) == PathOrSlash(b->path) &&
         a->query == b->query && b->fragment.empty() && requested.find('#') == std::string::npos;
}

}  // namespace

bool RedirectUriMatches(const google::protobuf::RepeatedPtrField<std::string>& registered,
                        const std::string& requested) {
  if (requested.empty() || requested.find('#') != std::string::npos) return false;
  for (const std::string& uri : registered) {
    if (SameRedirectUri(uri, requested) || LoopbackMatch(uri, requested)) return true;
  }
  return false;
}

bool SameRedirectUri(const std::string& a, const std::string& b) {
  return a == b || WithSlashPath(a) == WithSlashPath(b);
}

std::string AppendQuery(const std::string& uri, const std::string& params) {
  size_t question = uri.find('?');
  if (question == std::string::npos) return absl::StrCat(uri, "?", params);
  if (question + 1 == uri.size() || uri.back() == '&') return absl::StrCat(uri, params);
  return absl::StrCat(uri, "&", params);
}

}  // namespace nauthera
