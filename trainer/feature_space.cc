#include "trainer/feature_space.h"

#include <cmath>

#include "fmt/format.h"

namespace vitrina::trainer {

int32_t FeatureSpace::AddEntity(int64_t id) {
  const int32_t before = ids_.size();
  const int32_t index = ids_.Add(id);
  if (index == before) {
    identity_feature_.push_back(-1);
    side_features_.emplace_back();
    if (identity_features_) {
      identity_feature_.back() = n_features();
      feature_names_.emplace_back();  // identity features have no name
    }
  }
  return index;
}

int32_t FeatureSpace::AddFeatureName(const std::string& name) {
  auto [it, inserted] = feature_by_name_.try_emplace(name, n_features());
  if (inserted) feature_names_.push_back(name);
  return it->second;
}

absl::Status FeatureSpace::SetFeatures(int64_t id, std::span<const WeightedFeature> features) {
  for (const WeightedFeature& feature : features) {
    if (feature.name.empty()) {
      return absl::InvalidArgumentError(fmt::format("entity {}: a feature name is empty", id));
    }
    if (!std::isfinite(feature.weight)) {
      return absl::InvalidArgumentError(
          fmt::format("entity {}: feature '{}' has a non-finite weight", id, feature.name));
    }
  }
  const int32_t entity = AddEntity(id);
  std::vector<FeatureEntry>& entries = side_features_[entity];
  entries.clear();
  for (const WeightedFeature& feature : features) {
    entries.push_back({AddFeatureName(feature.name), feature.weight});
  }
  return absl::OkStatus();
}

std::optional<int32_t> FeatureSpace::FeatureIndex(std::string_view name) const {
  auto it = feature_by_name_.find(std::string(name));
  if (it == feature_by_name_.end()) return std::nullopt;
  return it->second;
}

CsrMatrix FeatureSpace::SideFeatureMatrix() const {
  std::vector<MatrixEntry> entries;
  for (int32_t e = 0; e < n_entities(); ++e) {
    for (const FeatureEntry& entry : side_features_[e])
      entries.push_back({e, entry.feature, entry.weight});
  }
  return CsrMatrix::FromEntries(n_entities(), n_features(), std::move(entries));
}

absl::StatusOr<CsrMatrix> FeatureSpace::BuildFeatureMatrix(bool normalize) const {
  std::vector<MatrixEntry> entries;
  entries.reserve(static_cast<size_t>(n_entities()));
  for (int32_t e = 0; e < n_entities(); ++e) {
    if (identity_feature_[e] >= 0) entries.push_back({e, identity_feature_[e], 1.0f});
    for (const FeatureEntry& entry : side_features_[e])
      entries.push_back({e, entry.feature, entry.weight});
  }
  CsrMatrix matrix = CsrMatrix::FromEntries(n_entities(), n_features(), std::move(entries));
  if (!normalize) return matrix;
  for (int32_t e = 0; e < matrix.rows; ++e) {
    double norm = 0;
    for (float v : matrix.RowValues(e)) norm += std::fabs(v);
    if (norm == 0) {
      return absl::InvalidArgumentError(fmt::format(
          "cannot normalise the features of entity {}: it has none (or all weights are 0)",
          ids_.IdAt(e)));
    }
    for (int64_t i = matrix.offsets[e]; i < matrix.offsets[e + 1]; ++i) {
      matrix.values[i] = static_cast<float>(matrix.values[i] / norm);
    }
  }
  return matrix;
}

bool FeatureSpace::Extends(const FeatureSpace& older) const {
  if (identity_features_ != older.identity_features_ || n_entities() < older.n_entities() ||
      n_features() < older.n_features()) {
    return false;
  }
  for (int32_t e = 0; e < older.n_entities(); ++e) {
    if (ids_.IdAt(e) != older.ids_.IdAt(e)) return false;
  }
  for (int32_t f = 0; f < older.n_features(); ++f) {
    if (feature_names_[f] != older.feature_names_[f]) return false;
  }
  return true;
}

absl::StatusOr<FeatureSpace> FeatureSpace::FromParts(bool identity_features,
                                                     std::vector<int64_t> ids,
                                                     std::vector<std::string> feature_names,
                                                     const CsrMatrix& side_features) {
  FeatureSpace space(identity_features);
  const auto n_entities = static_cast<int64_t>(ids.size());
  if (side_features.rows != n_entities ||
      side_features.cols != static_cast<int64_t>(feature_names.size())) {
    return absl::InvalidArgumentError(
        "feature space: side feature matrix shape disagrees with the ids");
  }
  // Replaying the appends in index order rebuilds the same indices: entity e's identity feature is
  // the e-th unnamed feature.
  size_t next_feature = 0;
  for (int64_t e = 0; e < n_entities; ++e) {
    if (space.ids_.Find(ids[e])) {
      return absl::InvalidArgumentError(fmt::format("feature space: duplicate id {}", ids[e]));
    }
    while (next_feature < feature_names.size() && !feature_names[next_feature].empty()) {
      space.AddFeatureName(feature_names[next_feature++]);
    }
    if (identity_features && next_feature == feature_names.size()) {
      return absl::InvalidArgumentError("feature space: fewer identity features than entities");
    }
    space.AddEntity(ids[e]);
    if (identity_features) ++next_feature;
  }
  for (; next_feature < feature_names.size(); ++next_feature) {
    if (feature_names[next_feature].empty()) {
      return absl::InvalidArgumentError("feature space: an unnamed feature belongs to no entity");
    }
    space.AddFeatureName(feature_names[next_feature]);
  }
  if (space.feature_names_ != feature_names) {
    return absl::InvalidArgumentError("feature space: duplicate feature names");
  }
  for (int32_t e = 0; e < side_features.rows; ++e) {
    auto columns = side_features.RowIndices(e);
    auto weights = side_features.RowValues(e);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (space.feature_names_[columns[i]].empty()) {
        return absl::InvalidArgumentError(
            "feature space: a side feature points at an identity feature");
      }
      space.side_features_[e].push_back({columns[i], weights[i]});
    }
  }
  return space;
}

}  // namespace vitrina::trainer
