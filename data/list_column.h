#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vitrina::data {

// Lists (genres, creators, user features) travel as one SQL column, their items joined by a tab
// (GROUP_CONCAT(... SEPARATOR '\t') in MySQL, group_concat(..., char(9)) in SQLite): one row per
// title keeps the read a single stream. A tab never occurs in a genre or a name.
inline constexpr char kListSeparator = '\t';

// Empty items are skipped, so NULL/'' means an empty list.
std::vector<std::string> SplitListColumn(std::string_view joined);

}  // namespace vitrina::data
