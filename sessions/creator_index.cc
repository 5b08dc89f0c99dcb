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
  creator_id_offsets_.reserve(static_cast<size_t>(n) + 1);
  creator_id_offsets_.push_back(0);
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
    for (const std::string& creator : creators_of_[item]) {
      auto [found, added] = creator_ids_.try_emplace(creator, static_cast<int32_t>(creator_names_.size()));
      if (added) {
        creator_names_.push_back(creator);
        titles_of_.emplace_back();
      }
      creator_ids_of_.push_back(found->second);
      titles_of_[static_cast<size_t>(found->second)].push_back(item);
    }
    creator_id_offsets_.push_back(static_cast<int32_t>(creator_ids_of_.size()));
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
  std::optional<int32_t> id = CreatorId(creator);
  return id ? TitlesOfCreator(*id) : std::span<const int32_t>();
}

std::optional<int32_t> CreatorIndex::CreatorId(const std::string& creator) const {
  auto found = creator_ids_.find(creator);
  if (found == creator_ids_.end()) return std::nullopt;
  return found->second;
}

std::span<const int32_t> CreatorIndex::CreatorIdsOf(int32_t item) const {
  if (item < 0 || static_cast<size_t>(item) >= creators_of_.size()) return {};
  const auto begin = static_cast<size_t>(creator_id_offsets_[static_cast<size_t>(item)]);
  const auto end = static_cast<size_t>(creator_id_offsets_[static_cast<size_t>(item) + 1]);
  return std::span<const int32_t>(creator_ids_of_).subspan(begin, end - begin);
}

std::span<const int32_t> CreatorIndex::CreatorIdsOfTitle(int64_t title_id) const {
  if (model_ == nullptr) return {};
  std::optional<int32_t> item = model_->ItemIndex(title_id);
  return item ? CreatorIdsOf(*item) : std::span<const int32_t>();
}

std::span<const int32_t> CreatorIndex::TitlesOfCreator(int32_t creator) const {
  if (creator < 0 || static_cast<size_t>(creator) >= titles_of_.size()) return {};
  return titles_of_[static_cast<size_t>(creator)];
}

std::vector<trainer::ScoredIndex> CreatorIndex::TopBlended(int32_t item, double alpha, int k,
                                                           absl::FunctionRef<bool(int32_t)> excluded) const {
  if (item < 0 || static_cast<size_t>(item) >= creators_of_.size()) return {};
  const int width = 2 * dims_;
  const float* row = blend_rows_.data() + static_cast<size_t>(item) * width;
  std::vector<float> query(row, row + width);
  for (int c = 0; c < dims_; ++c) query[c] *= static_cast<float>(alpha);
  for (int c = dims_; c < width; ++c) query[c] *= static_cast<float>(1 - alpha);
  auto skipped = [&](int32_t index) { return index == item || excluded(index); };
  if (std::optional<std::vector<trainer::ScoredIndex>> shortlisted = FromShortlist(item, alpha, k, query, skipped)) {
    return *std::move(shortlisted);
  }
  const trainer::DotRows rows{blend_rows_.data(), static_cast<int64_t>(creators_of_.size()), width, &half_blend_rows_};
  return trainer::TopKByDot(rows, query, k, skipped);
}

// With alpha >= 0.5 the title half of the blend dominates it: a title outside the `shortlist`
// best by title cosine (the last of them at cosine m) scores at most alpha * m + (1 - alpha).
// Ranking the blend over that shortlist costs one pass over the title half (64 wide, instead of
// 128 for the full blend rows) plus the shortlist's dot products. The answer is the exact blend ranking whenever its k-th score reaches that bound
// (the common case: the k best title cosines are far above the shortlist's last); otherwise a title the
// creator half would have lifted from beyond the shortlist is missed, the price of the speed.
std::optional<std::vector<trainer::ScoredIndex>> CreatorIndex::FromShortlist(
    int32_t item, double alpha, int k, std::span<const float> query,
    absl::FunctionRef<bool(int32_t)> skipped) const {
  const auto n = static_cast<int64_t>(creators_of_.size());
  const int shortlist = std::max(4 * k, kMinShortlist);
  if (model_ == nullptr || k <= 0 || alpha < 0.5 || n <= 4 * static_cast<int64_t>(shortlist)) return std::nullopt;
  // Unfiltered, so that the selection stays one cheap pass; the filter runs on the blend order.
  absl::StatusOr<std::vector<trainer::ScoredIndex>> similar =
      model_->TopSimilarItems(item, shortlist, [item](int32_t index) { return index == item; });
  if (!similar.ok()) return std::nullopt;
  const int width = 2 * dims_;
  std::vector<trainer::ScoredIndex> ranked;
  ranked.reserve(similar->size());
  for (const trainer::ScoredIndex& hit : *similar) {
    const float* candidate = blend_rows_.data() + static_cast<size_t>(hit.index) * width;
    float score = 0;
    for (int c = 0; c < width; ++c) score += candidate[c] * query[static_cast<size_t>(c)];
    ranked.push_back({hit.index, score});
  }
  std::sort(ranked.begin(), ranked.end(), [](const trainer::ScoredIndex& a, const trainer::ScoredIndex& b) {
    return a.score != b.score ? a.score > b.score : a.index < b.index;
  });
  std::vector<trainer::ScoredIndex> blended;
  for (const trainer::ScoredIndex& hit : ranked) {
    if (static_cast<int>(blended.size()) >= k) break;
    if (!skipped(hit.index)) blended.push_back(hit);
  }
  // The filter left fewer than k of the shortlist: rank every title.
  if (static_cast<int>(blended.size()) < k) return std::nullopt;
  return blended;
}

}  // namespace vitrina::sessions
