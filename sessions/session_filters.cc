#include "sessions/session_filters.h"

#include <algorithm>

namespace vitrina::sessions {

bool CreatorCapFilter::Rejects(int64_t title_id) const {
  const std::vector<std::string>& creators = creators_.CreatorsOfTitle(title_id);
  return std::any_of(creators.begin(), creators.end(),
                     [&](const std::string& creator) { return state_.CreatorCount(creator) >= cap_; });
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
