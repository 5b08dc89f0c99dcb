#include "serving/feature_titles.h"

#include <algorithm>
#include <cmath>

#include "common/stable_hash.h"
#include "fmt/format.h"
#include "serving/feature_placement.h"
#include "trainer/top_k_by_dot.h"

namespace vitrina::serving {
namespace {

std::vector<int32_t> KnownFeatures(const trainer::FeatureSpace& items, const data::TitleRecord& title) {
  std::vector<int32_t> features;
  auto add = [&](std::string_view prefix, const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      if (std::optional<int32_t> feature = items.FeatureIndex(fmt::format("{}{}", prefix, name))) features.push_back(*feature);
    }
  };
  add("genre:", title.genres);  // the names data preparation gives the model's title features
  add("creator:", title.creators);
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

}  // namespace

FeatureTitles FeatureTitles::Build(const trainer::Model& model, std::span<const data::TitleRecord> titles) {
  FeatureTitles built;
  const trainer::EmbeddingTable& table = model.state().items;
  const int d = table.no_components;
  built.score_width_ = d + 2;
  built.unit_width_ = d;
  StableHash digest;
  const trainer::FeatureSpace& items = model.dataset().items();
  for (const data::TitleRecord& title : titles) {
    if (!title.available || model.ItemIndex(title.id) || built.index_of_.contains(title.id)) continue;
    std::vector<int32_t> features = KnownFeatures(items, title);
    if (features.empty()) continue;
    const auto [embedding, bias] = PlaceByFeatures(table, features, model.dataset().normalize_features());
    built.index_of_[title.id] = built.size();
    built.ids_.push_back(title.id);
    built.score_rows_.insert(built.score_rows_.end(), embedding.begin(), embedding.end());
    built.score_rows_.push_back(bias);
    built.score_rows_.push_back(1.0f);
    double norm = 0;
    for (float value : embedding) norm += static_cast<double>(value) * value;
    const float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    for (float value : embedding) built.unit_rows_.push_back(value * scale);
    built.features_.insert(built.features_.end(), features.begin(), features.end());
    built.feature_offsets_.push_back(static_cast<int32_t>(built.features_.size()));
    digest.Int64(title.id);
  }
  built.digest_ = digest.value();
  return built;
}

std::optional<int32_t> FeatureTitles::Index(int64_t title_id) const {
  auto found = index_of_.find(title_id);
  if (found == index_of_.end()) return std::nullopt;
  return found->second;
}

std::span<const float> FeatureTitles::ScoreRow(int32_t index) const {
  return {score_rows_.data() + static_cast<size_t>(index) * score_width_, static_cast<size_t>(score_width_)};
}

std::span<const float> FeatureTitles::UnitRow(int32_t index) const {
  return {unit_rows_.data() + static_cast<size_t>(index) * unit_width_, static_cast<size_t>(unit_width_)};
}

std::span<const int32_t> FeatureTitles::Features(int32_t index) const {
  return {features_.data() + feature_offsets_[index],
          static_cast<size_t>(feature_offsets_[index + 1] - feature_offsets_[index])};
}

absl::StatusOr<std::vector<Candidate>> FeatureTitlesSource::Fetch(int limit, const CandidateFilter& filter) const {
  std::vector<Candidate> candidates;
  if (titles_.empty() || limit <= 0) return candidates;
  for (int32_t index = 0; index < titles_.size(); ++index) {
    const std::span<const float> row = space_ == Space::kScore ? titles_.ScoreRow(index) : titles_.UnitRow(index);
    if (row.size() != query_.size()) {
      return absl::InvalidArgumentError(
          fmt::format("the query row has {} entries, the feature-placed titles' rows {}", query_.size(), row.size()));
    }
    const int64_t id = titles_.IdAt(index);
    if (id == self_ || filter.Rejects(id)) continue;
    float score = 0;
    for (size_t c = 0; c < row.size(); ++c) score += row[c] * query_[c];
    candidates.push_back({.title_id = id, .score = score, .source = kName});
  }
  // Best first, ties by id, cut to the limit.
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.title_id < b.title_id;
  };
  if (static_cast<int>(candidates.size()) > limit) {
    std::partial_sort(candidates.begin(), candidates.begin() + limit, candidates.end(), better);
    candidates.resize(limit);
  } else {
    std::sort(candidates.begin(), candidates.end(), better);
  }
  return candidates;
}

absl::StatusOr<std::vector<Candidate>> UnitRowSimilarSource::Fetch(int limit, const CandidateFilter& filter) const {
  const trainer::DotRows units = model_.serving().unit_item_rows();
  if (unit_row_.size() != static_cast<size_t>(units.cols)) {
    return absl::InvalidArgumentError(
        fmt::format("the unit row has {} entries, the model's unit item rows {}", unit_row_.size(), units.cols));
  }
  const trainer::IdMap& ids = model_.dataset().items().ids();
  const std::vector<trainer::ScoredIndex> ranked =
      trainer::TopKByDot(units, unit_row_, limit, [&](int32_t index) { return filter.Rejects(ids.IdAt(index)); });
  std::vector<Candidate> candidates;
  candidates.reserve(ranked.size());
  for (const trainer::ScoredIndex& hit : ranked) candidates.push_back({.title_id = ids.IdAt(hit.index), .score = hit.score, .source = kName});
  return candidates;
}

}  // namespace vitrina::serving
