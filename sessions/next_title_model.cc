#include "sessions/next_title_model.h"

#include "serving/ann_sources.h"
#include "serving/model_sources.h"

namespace vitrina::sessions {

absl::StatusOr<std::vector<serving::Candidate>> EmbeddingNextTitles::NextTitles(
    int64_t title_id, int limit, const serving::CandidateFilter& filter) const {
  std::optional<int32_t> item = model_.ItemIndex(title_id);
  if (!item) return std::vector<serving::Candidate>();
  absl::StatusOr<std::vector<serving::Candidate>> similar =
      similar_graph_ != nullptr ? serving::AnnSimilarSource(model_, *similar_graph_, *item).Fetch(limit, filter)
                                : serving::SimilarTitlesSource(model_, *item).Fetch(limit, filter);
  if (!similar.ok()) return similar.status();
  for (serving::Candidate& candidate : *similar) candidate.source = kName;
  return similar;
}

}  // namespace vitrina::sessions
