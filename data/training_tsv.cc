#include "data/training_tsv.h"

#include <filesystem>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

template <typename Pairs>
std::string TripleLines(const std::vector<int64_t>& ids, const Pairs& seconds,
                        const std::vector<float>& weights) {
  fmt::memory_buffer out;
  for (size_t i = 0; i < ids.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\n", ids[i], seconds[i], weights[i]);
  }
  return fmt::to_string(out);
}

}  // namespace

absl::Status WriteTrainingTsv(const PreparedDataset& dataset, const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::InternalError(fmt::format("cannot create {}: {}", directory, error.message()));
  }
  const std::filesystem::path dir(directory);
  RETURN_IF_ERROR(common::WriteFileAtomically(
      (dir / "interactions.tsv").string(),
      TripleLines(dataset.positives.user_ids, dataset.positives.title_ids,
                  dataset.positives.weights)));
  RETURN_IF_ERROR(common::WriteFileAtomically(
      (dir / "title_features.tsv").string(),
      TripleLines(dataset.title_features.owner_ids, dataset.title_features.features,
                  dataset.title_features.weights)));
  return common::WriteFileAtomically(
      (dir / "user_features.tsv").string(),
      TripleLines(dataset.user_features.owner_ids, dataset.user_features.features,
                  dataset.user_features.weights));
}

}  // namespace vitrina::data
