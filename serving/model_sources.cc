#include "serving/model_sources.h"

namespace vitrina::serving {
namespace {

std::vector<Candidate> ToCandidates(const trainer::Model& model, const std::vector<trainer::ScoredIndex>& ranked,
                                    std::string_view source) {
  std::vector<Candidate> candidates;
  candidates.reserve(ranked.size());
  for (const trainer::ScoredIndex& hit : ranked) {
    candidates.push_back({.title_id = model.dataset().items().ids().IdAt(hit.index), .score = hit.score, .source = source});
  }
  return candidates;
}

}  // namespace

absl::StatusOr<std::vector<Candidate>> PersonalRankingSource::Fetch(int limit, const CandidateFilter& filter) const {
  const trainer::IdMap& ids = model_.dataset().items().ids();
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked =
      model_.TopItemsForUser(user_, limit, [&](int32_t index) { return filter.Rejects(ids.IdAt(index)); });
  if (!ranked.ok()) return ranked.status();
  return ToCandidates(model_, *ranked, kName);
}

absl::StatusOr<std::vector<Candidate>> SimilarTitlesSource::Fetch(int limit, const CandidateFilter& filter) const {
  const trainer::IdMap& ids = model_.dataset().items().ids();
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked = model_.TopSimilarItems(
      item_, limit, [&](int32_t index) { return index == item_ || filter.Rejects(ids.IdAt(index)); });
  if (!ranked.ok()) return ranked.status();
  return ToCandidates(model_, *ranked, kName);
}

}  // namespace vitrina::serving
