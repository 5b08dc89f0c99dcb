#include "server/http/route_table.h"

#include <algorithm>
#include <optional>

namespace vitrina::server::http {
namespace {

// "/a/b/" -> {"a", "b", ""}: a trailing slash is a segment of its own, so "/health/" does not
// match "/health".
std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The captured parameters when `path` matches `pattern`.
std::optional<PathParams> Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return std::nullopt;
  PathParams params;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParameter(pattern[i])) {
      if (path[i].empty()) return std::nullopt;
      params.emplace(pattern[i].substr(1, pattern[i].size() - 2), path[i]);
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

void RouteTable::Add(Route route) {
  std::vector<std::string> segments = Segments(route.pattern);
  entries_.push_back(Entry{std::move(route), std::move(segments)});
}

RouteTable::Lookup RouteTable::Find(std::string_view method, std::string_view path) const {
  Lookup lookup;
  if (!path.starts_with('/')) return lookup;
  std::vector<std::string> segments = Segments(path);
  auto allow = [&](std::string_view allowed) {
    if (std::find(lookup.allowed_methods.begin(), lookup.allowed_methods.end(), allowed) ==
        lookup.allowed_methods.end()) {
      lookup.allowed_methods.emplace_back(allowed);
    }
  };
  for (const Entry& entry : entries_) {
    std::optional<PathParams> params = Match(entry.segments, segments);
    if (!params) continue;
    const bool answers_head = entry.route.method == "GET" && !entry.route.changes_state;
    if (entry.route.method == method || (method == "HEAD" && answers_head)) {
      lookup.route = &entry.route;
      lookup.path_params = *std::move(params);
      lookup.allowed_methods.clear();
      return lookup;
    }
    allow(entry.route.method);
    if (answers_head) allow("HEAD");
  }
  return lookup;
}

}  // namespace vitrina::server::http
