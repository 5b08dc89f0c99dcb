#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "serving/candidate_filter.h"

namespace vitrina::serving {

// Rejects the titles a request excludes explicitly.
class ExcludedTitlesFilter final : public CandidateFilter {
 public:
  // Ids in any order, duplicates allowed.
  explicit ExcludedTitlesFilter(std::span<const int64_t> title_ids);

  bool Rejects(int64_t title_id) const override;
  // Sorted and unique: also the canonical form a cache key is made of.
  const std::vector<int64_t>& sorted_ids() const { return sorted_ids_; }

 private:
  std::vector<int64_t> sorted_ids_;
};

}  // namespace vitrina::serving
