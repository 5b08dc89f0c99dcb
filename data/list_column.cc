#include "data/list_column.h"

namespace vitrina::data {

std::vector<std::string> SplitListColumn(std::string_view joined) {
  std::vector<std::string> items;
  while (!joined.empty()) {
    size_t end = joined.find(kListSeparator);
    std::string_view item = joined.substr(0, end);
    if (!item.empty()) items.emplace_back(item);
    if (end == std::string_view::npos) break;
    joined.remove_prefix(end + 1);
  }
  return items;
}

}  // namespace vitrina::data
