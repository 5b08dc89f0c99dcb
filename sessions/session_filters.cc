#include "sessions/session_filters.h"

#include <algorithm>

namespace vitrina::sessions {

const std::vector<int32_t>& CreatorCapFilter::CappedCreators() const {
  if (capped_revision_ == state_.revision()) return capped_;
  capped_.clear();
  for (const auto& [creator, count] : state_.creator_counts()) {
    if (count < cap_) continue;
    // A name this model does not know (a session begun on an earlier model) caps none of its titles.
    if (std::optional<int32_t> id = creators_.CreatorId(creator)) capped_.push_back(*id);
  }
  std::sort(capped_.begin(), capped_.end());
  capped_revision_ = state_.revision();
  return capped_;
}

bool CreatorCapFilter::Rejects(int64_t title_id) const {
  // A cap of 0 or less: every creator is at it, counted or not.
  if (cap_ <= 0) return !creators_.CreatorIdsOfTitle(title_id).empty();
  const std::vector<int32_t>& capped = CappedCreators();
  if (capped.empty()) return false;
  const std::span<const int32_t> creators = creators_.CreatorIdsOfTitle(title_id);
  return std::any_of(creators.begin(), creators.end(),
                     [&](int32_t creator) { return std::binary_search(capped.begin(), capped.end(), creator); });
}

bool TiredFilter::Rejects(int64_t title_id) const {
  const auto& titles = state_.tired_titles();
  if (std::find(titles.begin(), titles.end(), title_id) != titles.end()) return true;
  const auto& tired = state_.tired_creators();
  if (tired.empty()) return false;
  const std::vector<std::string>& creators = creators_.CreatorsOfTitle(title_id);
  return std::any_of(creators.begin(), creators.end(), [&](const std::string& creator) {
    return std::find(tired.begin(), tired.end(), creator) != tired.end();
  });
}

}  // namespace vitrina::sessions
