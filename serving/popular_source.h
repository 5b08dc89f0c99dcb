#pragma once

#include <span>

#include "data/prepared_dataset.h"
#include "serving/candidate_source.h"

namespace vitrina::serving {

// Titles by decreasing popularity of the served model's data snapshot: the answer for users the
// model does not know (cold start), and the fallback and exploration pool of session policies.
class PopularSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "popular";

  // `ranking` is most popular first and must outlive the source.
  explicit PopularSource(std::span<const data::TitlePopularity> ranking) : ranking_(ranking) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  std::span<const data::TitlePopularity> ranking_;
};

}  // namespace vitrina::serving
