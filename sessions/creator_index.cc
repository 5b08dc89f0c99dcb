#include "sessions/creator_index.h"

#include <algorithm>
#include <cmath>

namespace vitrina::sessions {
namespace {

const std::vector<std::string>& NoCreators() {
  static const std::vector<std::string> none;
  return none;
}

// Scales v to length 1 (a zero vector stays zero, so its cosines are 0).
void Normalize(std::span<float> v) {
  double squares = 0;
  for (float x : v) squares += static_cast<double>(x) * x;
  if (squares <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(squares));
  for (float& x : v) x *= scale;
}

}  // namespace

CreatorIndex::CreatorIndex(const trainer::Model& model) : model_(&model) {
  const trainer::FeatureSpace& items = model.dataset().items();
  const trainer::CsrMatrix side = items.SideFeatureMatrix();
  const trainer::EmbeddingTable& table = model.state().items;
  dims_ = model.hyperparameters().no_components;
  const int32_t n = model.n_items();
  const int width = 2 * dims_;
  creators_of_.resize(static_cast<size_t>(n));
  blend_rows_.assign(static_cast<size_t>(n) * width, 0.0f);
  const auto& unit_items = model.serving().unit_items();
  for (int32_t item = 0; item < n; ++item) {
    float* row = blend_rows_.data() + static_cast<size_t>(item) * width;
    for (int c = 0; c < dims_; ++c) row[c] = unit_items(item, c);
    std::span<float> creator_part(row + dims_, static_cast<size_t>(dims_));
    for (int32_t feature : side.RowIndices(item)) {
      const std::string& name = items.feature_names()[static_cast<size_t>(feature)];
      if (!name.starts_with(kFeaturePrefix)) continue;
      creators_of_[item].push_back(name.substr(kFeaturePrefix.size()));
      if (table.n_features > feature) {
        const float* embedding = table.Row(feature);
        for (int c = 0; c < dims_; ++c) creator_part[c] += embedding[c];
      }
    }
    // The mean of several creators points where their sum points: normalising makes them equal.
    Normalize(creator_part);
    std::sort(creators_of_[item].begin(), creators_of_[item].end());
    for (const std::string& creator : creators_of_[item]) titles_of_[creator].push_back(item);
  }
  half_blend_rows_ = trainer::HalfPrecisionRows::Build(blend_rows_.data(), n, width);
}

const std::vector<std::string>& CreatorIndex::CreatorsOf(int32_t item) const {
  if (item < 0 || static_cast<size_t>(item) >= creators_of_.size()) return NoCreators();
  return creators_of_[static_cast<size_t>(item)];
}

const std::vector<std::string>& CreatorIndex::CreatorsOfTitle(int64_t title_id) const {
  if (model_ == nullptr) return NoCreators();
  std::optional<int32_t> item = model_->ItemIndex(title_id);
  return item ? CreatorsOf(*item) : NoCreators();
}

std::span<const int32_t> CreatorIndex::TitlesOf(const std::string& creator) const {
  auto found = titles_of_.find(creator);
  if (found == titles_of_.end()) return {};
  return found->second;
}

std::vector<trainer::ScoredIndex> CreatorIndex::TopBlended(int32_t item, double alpha, int k,
                                                           absl::FunctionRef<bool(int32_t)> excluded) const {
  if (item < 0 || static_cast<size_t>(item) >= creators_of_.size()) return {};
  const int width = 2 * dims_;
  const float* row = blend_rows_.data() + static_cast<size_t>(item) * width;
  std::vector<float> query(row, row + width);
  for (int c = 0; c < dims_; ++c) query[c] *= static_cast<float>(alpha);
  for (int c = dims_; c < width; ++c) query[c] *= static_cast<float>(1 - alpha);
  const trainer::DotRows rows{blend_rows_.data(), static_cast<int64_t>(creators_of_.size()), width, &half_blend_rows_};
  return trainer::TopKByDot(rows, query, k, [&](int32_t index) { return index == item || excluded(index); });
}

}  // namespace vitrina::sessions
