#pragma once

#include <string>

#include "absl/status/status.h"
#include "data/prepared_dataset.h"

namespace vitrina::data {

// Writes a prepared dataset as tab-separated files without header into `directory` (created if
// missing), for the trainer's command line:
//   interactions.tsv    user_id \t title_id \t weight
//   title_features.tsv  title_id \t feature \t weight
//   user_features.tsv   user_id \t feature \t weight
absl::Status WriteTrainingTsv(const PreparedDataset& dataset, const std::string& directory);

}  // namespace vitrina::data
