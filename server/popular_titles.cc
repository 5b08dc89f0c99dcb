#include "server/popular_titles.h"

#include <charconv>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::server {

absl::Status PopularTitles::Save(const std::string& path) const {
  std::string text;
  text.reserve(ranking_.size() * 24);
  for (const data::TitlePopularity& entry : ranking_) {
    text += fmt::format("{}\t{}\n", entry.title_id, entry.score);
  }
  return common::WriteFileAtomically(path, text);
}

absl::StatusOr<std::shared_ptr<const PopularTitles>> PopularTitles::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, common::ReadFile(path));
  std::vector<data::TitlePopularity> ranking;
  std::string_view rest = text;
  int line = 0;
  while (!rest.empty()) {
    ++line;
    size_t end = rest.find('\n');
    std::string_view row = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    size_t tab = row.find('\t');
    data::TitlePopularity entry;
    const char* row_end = row.data() + row.size();
    auto id = std::from_chars(row.data(), row.data() + std::min(tab, row.size()), entry.title_id);
    auto score = tab == std::string_view::npos ? std::from_chars_result{row_end, std::errc::invalid_argument}
                                               : std::from_chars(row.data() + tab + 1, row_end, entry.score);
    if (id.ec != std::errc() || score.ec != std::errc() || score.ptr != row_end) {
      return absl::DataLossError(fmt::format("{}:{}: expected 'title_id<TAB>score'", path, line));
    }
    ranking.push_back(entry);
  }
  return std::make_shared<const PopularTitles>(std::move(ranking));
}

}  // namespace vitrina::server
