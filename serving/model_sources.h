#pragma once

#include <cstdint>

#include "serving/candidate_source.h"
#include "trainer/model.h"

namespace vitrina::serving {

// The model's personal ranking of every title for a user it knows: the half-precision top-k pass
// with exact rescoring (Model::TopItemsForUser), the filter applied inside the selection.
class PersonalRankingSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "personal";

  // `user` is the model's index of the user (Model::UserIndex).
  PersonalRankingSource(const trainer::Model& model, int32_t user) : model_(model), user_(user) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  int32_t user_;
};

// Titles by the cosine of their embeddings to one title (Model::TopSimilarItems), the title
// itself left out.
class SimilarTitlesSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "similar";

  // `item` is the model's index of the title (Model::ItemIndex).
  SimilarTitlesSource(const trainer::Model& model, int32_t item) : model_(model), item_(item) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  int32_t item_;
};

}  // namespace vitrina::serving
