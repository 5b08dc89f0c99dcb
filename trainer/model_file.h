#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "trainer/model.h"

// The model file (format in MODEL_FORMAT.md): everything needed to serve the model and to resume
// fit_partial exactly, checked by a CRC-32 over the whole file.
namespace vitrina::trainer {

inline constexpr uint32_t kModelFormatVersion = 1;

// What the registry records about a written or read file.
struct ModelFileInfo {
  std::string checksum_hex;  // the CRC-32 trailer, 8 lowercase hex digits
  uint64_t size_bytes = 0;
};

std::string SerializeModel(const Model& model);
// DataLoss for a truncated or corrupted file (checksum, lengths), InvalidArgument for a file that
// is not a model file, has another format version, or whose contents are inconsistent.
absl::StatusOr<Model> DeserializeModel(std::string_view bytes);
// The checksum and size of serialised bytes, without parsing them.
ModelFileInfo DescribeModelBytes(std::string_view bytes);

// Writes with common::WriteFileAtomically.
absl::StatusOr<ModelFileInfo> SaveModel(const Model& model, const std::string& path);
absl::StatusOr<Model> LoadModel(const std::string& path, ModelFileInfo* info = nullptr);

}  // namespace vitrina::trainer
