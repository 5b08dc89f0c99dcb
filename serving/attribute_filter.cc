#include "serving/attribute_filter.h"

#include <algorithm>

#include "fmt/format.h"

namespace vitrina::serving {
namespace {

std::vector<int32_t> KnownFeatures(const trainer::FeatureSpace& items, std::string_view prefix,
                                   const std::vector<std::string>& names) {
  std::vector<int32_t> features;
  for (const std::string& name : names) {
    if (std::optional<int32_t> feature = items.FeatureIndex(fmt::format("{}{}", prefix, name))) features.push_back(*feature);
  }
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

bool Intersects(std::span<const int32_t> sorted_row, const std::vector<int32_t>& sorted_features) {
  auto row = sorted_row.begin();
  auto feature = sorted_features.begin();
  while (row != sorted_row.end() && feature != sorted_features.end()) {
    if (*row == *feature) return true;
    if (*row < *feature) {
      ++row;
    } else {
      ++feature;
    }
  }
  return false;
}

}  // namespace

AttributeFilter::AttributeFilter(const trainer::Model& model, const trainer::CsrMatrix& side_features,
                                 const AttributeSpec& spec, const FeatureTitles* new_titles)
    : model_(model), side_features_(side_features), new_titles_(new_titles) {
  const trainer::FeatureSpace& items = model.dataset().items();
  if (!spec.genres_any.empty()) any_of_.push_back({KnownFeatures(items, "genre:", spec.genres_any)});
  if (!spec.creators_any.empty()) any_of_.push_back({KnownFeatures(items, "creator:", spec.creators_any)});
  none_of_ = KnownFeatures(items, "genre:", spec.genres_none);
  std::vector<int32_t> creators_none = KnownFeatures(items, "creator:", spec.creators_none);
  none_of_.insert(none_of_.end(), creators_none.begin(), creators_none.end());
  std::sort(none_of_.begin(), none_of_.end());
}

bool AttributeFilter::Rejects(int64_t title_id) const {
  std::optional<int32_t> item = model_.ItemIndex(title_id);
  std::span<const int32_t> features;
  if (item && *item < side_features_.rows) {
    features = side_features_.RowIndices(*item);
  } else if (std::optional<int32_t> added = new_titles_ ? new_titles_->Index(title_id) : std::nullopt; !item && added) {
    features = new_titles_->Features(*added);
  } else {
    return !any_of_.empty();
  }
  for (const AnyOf& any : any_of_) {
    if (!Intersects(features, any.features)) return true;
  }
  return Intersects(features, none_of_);
}

}  // namespace vitrina::serving
