#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "registry/model.h"
#include "vitrina/v1/replication.pb.h"

namespace vitrina::server {

// Model files between a primary and its replicas. A model is its model file plus every file
// beside it whose name extends the model file's (`<model>.popular.tsv`, `<model>.cold-consumed.tsv`,
// an index): what a training writes beside the model travels without changes here. A folder beside
// the model (`<model>.ann/`, the ANN index) travels as its files, suffixes `.ann/<file>`.

// Where a replica gathers the files of a folder beside a model before renaming it into place
// (`<model>.ann.download/`): a folder is either absent or whole, like a file.
inline constexpr std::string_view kFolderDownloadSuffix = ".download";

// The registry record and the files of `record` as the primary describes them. NotFound when the
// model file is missing.
absl::StatusOr<v1::ModelManifest> DescribeModelFiles(const registry::ModelRecord& record);

// The path of the file `suffix` of the model file `model_path`; InvalidArgument for a suffix that
// is not one of a manifest's (a folder deeper than one level, `..`, a temp file).
absl::StatusOr<std::string> ModelFilePath(const std::string& model_path, std::string_view suffix);

// ".ann" for the suffix ".ann/personal.hnsw"; nullopt for a file beside the model.
std::optional<std::string_view> FolderOfSuffix(std::string_view suffix);

// CRC-32 (IEEE, zlib's) of a whole file, 8 lowercase hex digits; of its first `length` bytes when
// given.
absl::StatusOr<std::string> FileCrc32Hex(const std::string& path, std::optional<int64_t> length = std::nullopt);

// Streams the file from `offset`: `sink` gets each chunk of at most `chunk_bytes`, and stops the
// stream by returning false.
absl::Status ReadFileChunks(const std::string& path, int64_t offset, size_t chunk_bytes,
                            const std::function<bool(int64_t offset, std::string_view data)>& sink);

// Where a download asks for the bytes of a file from `offset` on: each chunk goes to `sink` in
// order; an error (a broken stream) may come after some chunks.
using ChunkSource =
    std::function<absl::Status(int64_t offset, const std::function<absl::Status(std::string_view chunk)>& sink)>;

struct DownloadOptions {
  int max_attempts = 5;  // connections tried, each resuming where the previous one broke
  std::chrono::milliseconds retry_pause{200};
};

// Downloads `file` to `path`: bytes go to `<path>.part` (kept across attempts and across runs, so a
// broken transfer resumes from the bytes it holds), then the whole part's size and CRC-32 are
// checked against the manifest and the part is renamed to `path` (fsync'ed, then the folder):
// `path` is either absent or the whole verified file. DataLoss (and the part removed) when the
// checksum differs; the last stream error when every attempt broke.
absl::Status DownloadModelFile(const v1::ModelFileDescription& file, const std::string& path,
                               const ChunkSource& source, const DownloadOptions& options = {});

}  // namespace vitrina::server
