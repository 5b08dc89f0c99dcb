#include "serving/ann_sources.h"

#include <algorithm>
#include <optional>

#include "serving/model_sources.h"
#include "trainer/exact_dot.h"

namespace vitrina::serving {
namespace {

using RowMatrix = trainer::ServingIndex::RowMatrix;

// The `limit` best titles `skipped` lets through among the graph's candidates, exactly rescored
// against `rows`; nullopt when the rounds the policy allows leave fewer (the caller ranks exactly).
// A round succeeds when twice `limit` survive: the limit-th best then lies in the first half of
// the graph's list, which HNSW finds reliably (its recall falls toward the end of the list it is
// asked for). The last round, at the ceiling, needs only `limit`.
std::optional<std::vector<trainer::ScoredIndex>> OverFetch(const HnswIndex& graph, const RowMatrix& rows,
                                                           const float* query, int limit, const OverFetchPolicy& policy,
                                                           absl::FunctionRef<bool(int32_t)> skipped) {
  const auto n = static_cast<int64_t>(rows.rows());
  const int cols = static_cast<int>(rows.cols());
  const int64_t ceiling = std::min<int64_t>(policy.max_candidates, n);
  std::vector<trainer::ScoredIndex> kept;
  for (int64_t fetch = std::min(2 * static_cast<int64_t>(limit) + policy.min_extra, ceiling); fetch <= ceiling;
       fetch = fetch == ceiling ? ceiling + 1 : std::min(fetch * policy.growth, ceiling)) {
    kept.clear();
    for (const trainer::ScoredIndex& hit : graph.Search({query, static_cast<size_t>(cols)}, static_cast<int>(fetch))) {
      if (skipped(hit.index)) continue;
      kept.push_back({hit.index, trainer::ExactDot(rows.row(hit.index).data(), query, cols)});
    }
    const size_t enough = fetch == ceiling ? static_cast<size_t>(limit) : 2 * static_cast<size_t>(limit);
    if (kept.size() >= enough) {
      std::partial_sort(kept.begin(), kept.begin() + limit, kept.end(), trainer::RanksBefore);
      kept.resize(static_cast<size_t>(limit));
      return kept;
    }
  }
  return std::nullopt;
}

std::vector<Candidate> ToCandidates(const trainer::Model& model, const std::vector<trainer::ScoredIndex>& ranked,
                                    std::string_view source) {
  const trainer::IdMap& ids = model.dataset().items().ids();
  std::vector<Candidate> candidates;
  candidates.reserve(ranked.size());
  for (const trainer::ScoredIndex& hit : ranked) {
    candidates.push_back({.title_id = ids.IdAt(hit.index), .score = hit.score, .source = source});
  }
  return candidates;
}

}  // namespace

absl::StatusOr<std::vector<Candidate>> AnnPersonalSource::Fetch(int limit, const CandidateFilter& filter) const {
  if (limit <= 0) return std::vector<Candidate>();
  const trainer::ServingIndex& serving = model_.serving();
  if (user_ < 0 || user_ >= serving.users().rows()) return PersonalRankingSource(model_, user_).Fetch(limit, filter);
  const trainer::IdMap& ids = model_.dataset().items().ids();
  std::optional<std::vector<trainer::ScoredIndex>> ranked =
      OverFetch(graph_, serving.items(), serving.users().row(user_).data(), limit, policy_,
                [&](int32_t index) { return filter.Rejects(ids.IdAt(index)); });
  if (!ranked) return PersonalRankingSource(model_, user_).Fetch(limit, filter);
  return ToCandidates(model_, *ranked, kName);
}

absl::StatusOr<std::vector<Candidate>> AnnUserRowSource::Fetch(int limit, const CandidateFilter& filter) const {
  if (limit <= 0) return std::vector<Candidate>();
  const trainer::ServingIndex& serving = model_.serving();
  if (user_row_.size() != static_cast<size_t>(serving.items().cols())) {
    return UserRowRankingSource(model_, user_row_).Fetch(limit, filter);
  }
  const trainer::IdMap& ids = model_.dataset().items().ids();
  std::optional<std::vector<trainer::ScoredIndex>> ranked =
      OverFetch(graph_, serving.items(), user_row_.data(), limit, policy_,
                [&](int32_t index) { return filter.Rejects(ids.IdAt(index)); });
  if (!ranked) return UserRowRankingSource(model_, user_row_).Fetch(limit, filter);
  return ToCandidates(model_, *ranked, kName);
}

absl::StatusOr<std::vector<Candidate>> AnnSimilarSource::Fetch(int limit, const CandidateFilter& filter) const {
  if (limit <= 0) return std::vector<Candidate>();
  const trainer::ServingIndex& serving = model_.serving();
  if (item_ < 0 || item_ >= serving.unit_items().rows()) return SimilarTitlesSource(model_, item_).Fetch(limit, filter);
  const trainer::IdMap& ids = model_.dataset().items().ids();
  std::optional<std::vector<trainer::ScoredIndex>> ranked =
      OverFetch(graph_, serving.unit_items(), serving.unit_items().row(item_).data(), limit, policy_,
                [&](int32_t index) { return index == item_ || filter.Rejects(ids.IdAt(index)); });
  if (!ranked) return SimilarTitlesSource(model_, item_).Fetch(limit, filter);
  return ToCandidates(model_, *ranked, kName);
}

}  // namespace vitrina::serving
