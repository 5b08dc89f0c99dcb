#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "serving/candidate.h"
#include "serving/candidate_filter.h"
#include "serving/hnsw_index.h"
#include "trainer/model.h"

namespace vitrina::sessions {

// Which titles follow a title: the next-title model a session policy asks on a skip or for
// context. The learned model (trained on logged sessions) implements it; until one is served,
// EmbeddingNextTitles stands in.
class NextTitleModel {
 public:
  virtual ~NextTitleModel() = default;

  // Titles likely to follow `title_id` (itself excluded), best first, filtered before the cut;
  // empty for a title the model does not know.
  virtual absl::StatusOr<std::vector<serving::Candidate>> NextTitles(int64_t title_id, int limit,
                                                                     const serving::CandidateFilter& filter) const = 0;
};

// Next titles by the cosine of the served model's title embeddings (what follows a title is what
// resembles it): real and testable before the learned next-title model exists. With the model's
// HNSW graph of similar titles (large catalogs), the graph answers instead of a pass over every
// title, as GetTitleRelevant does.
class EmbeddingNextTitles final : public NextTitleModel {
 public:
  static constexpr std::string_view kName = "next_title";

  explicit EmbeddingNextTitles(const trainer::Model& model, const serving::HnswIndex* similar_graph = nullptr)
      : model_(model), similar_graph_(similar_graph) {}

  absl::StatusOr<std::vector<serving::Candidate>> NextTitles(int64_t title_id, int limit,
                                                             const serving::CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const serving::HnswIndex* similar_graph_;  // null: the exact pass
};

}  // namespace vitrina::sessions
