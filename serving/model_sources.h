#pragma once

#include <cstdint>
#include <span>

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

// The model's ranking of every title for a user row given by the caller (ServingIndex::users()
// layout) instead of a trained one: a user whose vector moved since training (server/user_overlay.h).
// Same top-k pass and filter as PersonalRankingSource.
class UserRowRankingSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "realtime";

  // `user_row` must outlive the source and have the width of the model's item rows.
  UserRowRankingSource(const trainer::Model& model, std::span<const float> user_row)
      : model_(model), user_row_(user_row) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  std::span<const float> user_row_;
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
