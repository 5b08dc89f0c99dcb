#include "blacklist/blacklist_snapshot.h"

#include <algorithm>
#include <tuple>

namespace vitrina::blacklist {
namespace {

// std::nullopt orders before every user id: global entries come first.
auto ScopeAndTitle(const BlacklistEntry& entry) { return std::tie(entry.user_id, entry.title_id); }

}  // namespace

BlacklistSnapshot::BlacklistSnapshot(std::vector<BlacklistEntry> entries)
    : entries_(std::move(entries)) {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const BlacklistEntry& a, const BlacklistEntry& b) {
                     return ScopeAndTitle(a) < ScopeAndTitle(b);
                   });
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [](const BlacklistEntry& a, const BlacklistEntry& b) {
                               return ScopeAndTitle(a) == ScopeAndTitle(b);
                             }),
                 entries_.end());
  for (const BlacklistEntry& entry : entries_) {
    if (entry.user_id.has_value()) {
      per_user_.insert({*entry.user_id, entry.title_id});
    } else {
      global_.insert(entry.title_id);
    }
  }
}

std::vector<BlacklistEntry> BlacklistSnapshot::List(std::optional<int64_t> user_id) const {
  auto first =
      std::partition_point(entries_.begin(), entries_.end(),
                           [&](const BlacklistEntry& entry) { return entry.user_id < user_id; });
  auto last = std::partition_point(
      first, entries_.end(), [&](const BlacklistEntry& entry) { return entry.user_id == user_id; });
  return std::vector<BlacklistEntry>(first, last);
}

}  // namespace vitrina::blacklist
