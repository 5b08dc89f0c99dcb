#include "serving/excluded_titles_filter.h"

#include <algorithm>

namespace vitrina::serving {

ExcludedTitlesFilter::ExcludedTitlesFilter(std::span<const int64_t> title_ids)
    : sorted_ids_(title_ids.begin(), title_ids.end()) {
  std::sort(sorted_ids_.begin(), sorted_ids_.end());
  sorted_ids_.erase(std::unique(sorted_ids_.begin(), sorted_ids_.end()), sorted_ids_.end());
}

bool ExcludedTitlesFilter::Rejects(int64_t title_id) const {
  return std::binary_search(sorted_ids_.begin(), sorted_ids_.end(), title_id);
}

}  // namespace vitrina::serving
