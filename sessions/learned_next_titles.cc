#include "sessions/learned_next_titles.h"

#include <optional>

namespace vitrina::sessions {

absl::StatusOr<std::vector<serving::Candidate>> LearnedNextTitles::NextTitles(
    int64_t title_id, int limit, const serving::CandidateFilter& filter) const {
  std::optional<int32_t> previous = learned_.UserIndex(title_id);
  if (!previous) return fallback_.NextTitles(title_id, limit, filter);
  const trainer::IdMap& ids = learned_.dataset().items().ids();
  std::optional<int32_t> itself = learned_.ItemIndex(title_id);
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked = learned_.TopItemsForUser(
      *previous, limit, [&](int32_t index) { return index == itself || filter.Rejects(ids.IdAt(index)); });
  if (!ranked.ok()) return ranked.status();
  std::vector<serving::Candidate> candidates;
  candidates.reserve(ranked->size());
  for (const trainer::ScoredIndex& hit : *ranked) {
    candidates.push_back({.title_id = ids.IdAt(hit.index), .score = hit.score, .source = EmbeddingNextTitles::kName});
  }
  return candidates;
}

}  // namespace vitrina::sessions
