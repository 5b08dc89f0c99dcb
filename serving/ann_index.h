#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "serving/ann_config.h"
#include "serving/hnsw_index.h"
#include "trainer/model.h"

namespace vitrina::serving {

// The approximate-retrieval indexes of one model: an HNSW graph over the serving index's
// bias-augmented title vectors (personal rankings: inner product with the user's augmented vector
// is the model's score) and one over the unit title embeddings (similar titles: inner product is
// the cosine). Built by the training job and saved beside the model file as a folder
// `<model file>.ann/` (hnswlib's files and a manifest of their sizes and CRC-32s, tied to the
// model file's checksum), written to a temporary folder and renamed, so that a crash leaves no
// half index. Immutable once loaded.
class ModelAnnIndex {
 public:
  static std::string FolderFor(const std::string& model_path) { return model_path + ".ann"; }

  static absl::StatusOr<ModelAnnIndex> Build(const trainer::Model& model, const AnnConfig& config, int threads);
  // AlreadyExists when the folder exists.
  absl::Status Save(const std::string& folder, const std::string& model_checksum) const;
  // NotFound when there is no folder; DataLoss when a file is missing, truncated or corrupted, or
  // the index was built for another model file (checksum) or does not fit `model`.
  static absl::StatusOr<ModelAnnIndex> Load(const std::string& folder, const std::string& model_checksum,
                                            const trainer::Model& model, int ef_search);

  const HnswIndex& personal() const { return personal_; }
  const HnswIndex& similar() const { return similar_; }
  size_t MemoryBytes() const { return personal_.MemoryBytes() + similar_.MemoryBytes(); }

 private:
  HnswIndex personal_;
  HnswIndex similar_;
};

}  // namespace vitrina::serving
