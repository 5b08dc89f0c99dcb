#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/prepared_dataset.h"

namespace vitrina::server {

// Titles by decreasing popularity (weighted interactions within the popularity window), the
// answer for users the model does not know. Kept beside each model file, so a restart serves the
// same snapshot without reading the data source.
class PopularTitles {
 public:
  explicit PopularTitles(std::vector<data::TitlePopularity> ranking) : ranking_(std::move(ranking)) {}

  const std::vector<data::TitlePopularity>& ranking() const { return ranking_; }

  // A text file, one "title_id<TAB>score" per line, written atomically.
  absl::Status Save(const std::string& path) const;
  static absl::StatusOr<std::shared_ptr<const PopularTitles>> Load(const std::string& path);

 private:
  std::vector<data::TitlePopularity> ranking_;
};

}  // namespace vitrina::server
