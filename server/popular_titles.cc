#include "server/popular_titles.h"

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "common/tab_separated_pairs.h"
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
  ASSIGN_OR_RETURN(auto rows, (common::ReadTabSeparatedPairs<int64_t, double>(path, "title_id<TAB>score")));
  std::vector<data::TitlePopularity> ranking;
  ranking.reserve(rows.size());
  for (const auto& [title_id, score] : rows) ranking.push_back({title_id, score});
  return std::make_shared<const PopularTitles>(std::move(ranking));
}

}  // namespace vitrina::server
