#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "data/records.h"
#include "serving/candidate_source.h"
#include "trainer/model.h"

namespace vitrina::serving {

// Catalog titles a served model was not trained on (added after its training), placed by their
// features as LightFM places any entity: the representation is the weighted sum of the
// embedding rows (and biases) of the title's features, here the model's "genre:<name>" and
// "creator:<name>" rows, weighted as the model's dataset weighs features (1/n each when it
// normalises, 1 otherwise). A title without a single feature the model knows cannot be placed
// and is left out, and so are the model's own titles and unavailable ones. Immutable.
class FeatureTitles {
 public:
  FeatureTitles() = default;
  static FeatureTitles Build(const trainer::Model& model, std::span<const data::TitleRecord> titles);

  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  bool empty() const { return ids_.empty(); }
  std::optional<int32_t> Index(int64_t title_id) const;
  int64_t IdAt(int32_t index) const { return ids_[index]; }
  // The model's ServingIndex::items() layout, [embedding, bias, 1]: a user row dotted with it is
  // the model's score.
  std::span<const float> ScoreRow(int32_t index) const;
  // The embedding scaled to length 1 (ServingIndex::unit_items() layout): dotted with another
  // unit row it is the cosine similarity.
  std::span<const float> UnitRow(int32_t index) const;
  // Sorted indices into the model's item feature space (what AttributeFilter reads).
  std::span<const int32_t> Features(int32_t index) const;
  // A stable 64-bit digest of the ids, for cache keys: answers computed before a refresh that
  // added titles are not read back after it.
  uint64_t digest() const { return digest_; }

 private:
  int score_width_ = 0;
  int unit_width_ = 0;
  std::vector<int64_t> ids_;
  absl::flat_hash_map<int64_t, int32_t> index_of_;
  std::vector<float> score_rows_;
  std::vector<float> unit_rows_;
  std::vector<int32_t> feature_offsets_{0};
  std::vector<int32_t> features_;
  uint64_t digest_ = 0;
};

// Feature-placed titles ranked by the dot product of a query row with their rows: a user row
// against ScoreRow (a personal answer), or a title's unit row against UnitRow (similar titles).
class FeatureTitlesSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "features";
  enum class Space { kScore, kCosine };

  // `query` must outlive the source and have the width of the chosen rows; `self`, a title left
  // out (the query title itself).
  FeatureTitlesSource(const FeatureTitles& titles, std::span<const float> query, Space space,
                      std::optional<int64_t> self = std::nullopt)
      : titles_(titles), query_(query), space_(space), self_(self) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const FeatureTitles& titles_;
  std::span<const float> query_;
  Space space_;
  std::optional<int64_t> self_;
};

// The model's titles by cosine to a unit row given by the caller (a feature-placed title's
// UnitRow): what SimilarTitlesSource does for a title the model holds.
class UnitRowSimilarSource final : public CandidateSource {
 public:
  static constexpr std::string_view kName = "similar";

  UnitRowSimilarSource(const trainer::Model& model, std::span<const float> unit_row) : model_(model), unit_row_(unit_row) {}

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  std::span<const float> unit_row_;
};

}  // namespace vitrina::serving
