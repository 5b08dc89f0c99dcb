#pragma once

#include <cstdint>
#include <span>

#include "serving/candidate_source.h"
#include "serving/hnsw_index.h"
#include "trainer/model.h"

namespace vitrina::serving {

// How far an approximate source searches before it hands over to the exact pass: the first round
// asks the graph for 2 * limit + min_extra titles (the search list grows with it), each further
// round `growth` times more, the last one exactly the ceiling: max_candidates, or the catalog's
// size when smaller. When even that round leaves fewer than `limit` titles, the exact pass
// answers instead, so an answer never has fewer titles than the exact one.
struct OverFetchPolicy {
  int min_extra = 32;
  int growth = 4;
  int max_candidates = 4096;
};

// The model's personal ranking for a user from the HNSW graph over the title vectors
// (ModelAnnIndex::personal): the graph's candidates rescored exactly (the same ExactDot as the
// exact pass, so a title's score is the same on both paths), the filter applied to them, ranked
// and cut; over-fetched in growing rounds while the filter leaves fewer than `limit`, then the
// exact PersonalRankingSource.
class AnnPersonalSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "personal_ann";

  // `graph` indexes model.serving().items(); `user` is the model's index of the user.
  AnnPersonalSource(const trainer::Model& model, const HnswIndex& graph, int32_t user, OverFetchPolicy policy = {})
      : model_(model), graph_(graph), user_(user), policy_(policy) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const HnswIndex& graph_;
  int32_t user_;
  OverFetchPolicy policy_;
};

// The same over a user row given by the caller (ServingIndex::users() layout) instead of a trained
// one: a user whose vector moved since the training, or one placed by their features. The graph
// indexes the title vectors whatever the query; UserRowRankingSource is the fallback.
class AnnUserRowSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "realtime_ann";

  // `user_row` must outlive the source and have the width of the model's item rows.
  AnnUserRowSource(const trainer::Model& model, const HnswIndex& graph, std::span<const float> user_row,
                   OverFetchPolicy policy = {})
      : model_(model), graph_(graph), user_row_(user_row), policy_(policy) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const HnswIndex& graph_;
  std::span<const float> user_row_;
  OverFetchPolicy policy_;
};

// Titles by embedding cosine to one title from the HNSW graph over the unit title embeddings
// (ModelAnnIndex::similar), the same way; the exact SimilarTitlesSource is the fallback.
class AnnSimilarSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "similar_ann";

  AnnSimilarSource(const trainer::Model& model, const HnswIndex& graph, int32_t item, OverFetchPolicy policy = {})
      : model_(model), graph_(graph), item_(item), policy_(policy) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const HnswIndex& graph_;
  int32_t item_;
  OverFetchPolicy policy_;
};

}  // namespace vitrina::serving
