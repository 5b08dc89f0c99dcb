#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "trainer/half_precision_rows.h"
#include "trainer/model.h"
#include "trainer/top_k_by_dot.h"

namespace vitrina::sessions {

// Who made each title of a served model, read from its item features ("creator:<name>", what the
// hybrid model learns an embedding for), and the rows the creator blend ranks:
// [unit title embedding, unit mean creator embedding] per title, so that one dot product with
// [alpha * title, (1 - alpha) * creator] of the previous title is
// alpha * cos(title, candidate) + (1 - alpha) * cos(creator(title), creator(candidate)).
// Built once per model; immutable.
class CreatorIndex {
 public:
  static constexpr std::string_view kFeaturePrefix = "creator:";

  CreatorIndex() = default;
  explicit CreatorIndex(const trainer::Model& model);

  // The creators' names of a title (model index), sorted; empty when none is known.
  const std::vector<std::string>& CreatorsOf(int32_t item) const;
  const std::vector<std::string>& CreatorsOfTitle(int64_t title_id) const;
  // The titles (model indices) of a creator, ascending; empty for an unknown name.
  std::span<const int32_t> TitlesOf(const std::string& creator) const;

  // The k titles with the best blend score to `item` (itself left out) that excluded(index)
  // does not reject, best first.
  std::vector<trainer::ScoredIndex> TopBlended(int32_t item, double alpha, int k,
                                               absl::FunctionRef<bool(int32_t)> excluded) const;

 private:
  const trainer::Model* model_ = nullptr;
  std::vector<std::vector<std::string>> creators_of_;  // by item index
  absl::flat_hash_map<std::string, std::vector<int32_t>> titles_of_;
  int dims_ = 0;
  std::vector<float> blend_rows_;  // n_items x 2 * dims_
  trainer::HalfPrecisionRows half_blend_rows_;
};

}  // namespace vitrina::sessions
