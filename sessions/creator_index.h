#pragma once

#include <cstdint>
#include <optional>
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

  // The same by creator id (0..creator_count()-1, numbered by first appearance in the model), for
  // the per-title checks of a call: integers in one flat array, no name hashed or compared.
  int32_t creator_count() const { return static_cast<int32_t>(creator_names_.size()); }
  std::optional<int32_t> CreatorId(const std::string& creator) const;
  // The creator ids of a title (model index / catalog id), in the order of CreatorsOf's names.
  std::span<const int32_t> CreatorIdsOf(int32_t item) const;
  std::span<const int32_t> CreatorIdsOfTitle(int64_t title_id) const;
  std::span<const int32_t> TitlesOfCreator(int32_t creator) const;

  // The k titles with the best blend score to `item` (itself left out) that excluded(index)
  // does not reject, best first. On a large catalog (over 4 x max(4k, 300) titles) and alpha >=
  // 0.5, ranked over the max(4k, 300) best by title cosine (see FromShortlist).
  std::vector<trainer::ScoredIndex> TopBlended(int32_t item, double alpha, int k,
                                               absl::FunctionRef<bool(int32_t)> excluded) const;

 private:
  static constexpr int kMinShortlist = 300;

  std::optional<std::vector<trainer::ScoredIndex>> FromShortlist(int32_t item, double alpha, int k,
                                                                 std::span<const float> query,
                                                                 absl::FunctionRef<bool(int32_t)> skipped) const;

  const trainer::Model* model_ = nullptr;
  std::vector<std::vector<std::string>> creators_of_;  // by item index
  std::vector<std::string> creator_names_;             // by creator id
  absl::flat_hash_map<std::string, int32_t> creator_ids_;
  std::vector<int32_t> creator_id_offsets_;  // item i's creator ids: [offsets[i], offsets[i + 1])
  std::vector<int32_t> creator_ids_of_;
  std::vector<std::vector<int32_t>> titles_of_;  // by creator id, ascending
  int dims_ = 0;
  std::vector<float> blend_rows_;  // n_items x 2 * dims_
  trainer::HalfPrecisionRows half_blend_rows_;
};

}  // namespace vitrina::sessions
