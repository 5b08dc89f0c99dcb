#include "serving/ann_index.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::serving {
namespace {

constexpr std::string_view kManifest = "manifest.tsv";
constexpr std::string_view kManifestHeader = "vitrina-ann 1";

struct FileEntry {
  std::string name;
  int64_t rows = 0;
  int dim = 0;
  uint64_t bytes = 0;
  std::string crc_hex;
};

// The CRC-32 and size of a file, read in chunks (an index of 1M titles is hundreds of MB).
absl::StatusOr<std::pair<uint64_t, std::string>> DescribeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::DataLossError(fmt::format("missing index file {}", path));
  std::vector<char> buffer(1 << 20);
  uLong crc = crc32(0L, Z_NULL, 0);
  uint64_t bytes = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(got));
    bytes += got;
  }
  if (in.bad()) return absl::DataLossError(fmt::format("read error in {}", path));
  return std::make_pair(bytes, fmt::format("{:08x}", static_cast<uint32_t>(crc)));
}

absl::Status Fsync(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return absl::InternalError(fmt::format("fsync {}: {}", path, std::strerror(errno)));
  return absl::OkStatus();
}

absl::StatusOr<FileEntry> SaveGraph(const HnswIndex& graph, const std::filesystem::path& folder, std::string name) {
  const std::string path = (folder / name).string();
  RETURN_IF_ERROR(graph.Save(path));
  RETURN_IF_ERROR(Fsync(path, O_RDONLY));
  ASSIGN_OR_RETURN(auto described, DescribeFile(path));
  return FileEntry{std::move(name), graph.size(), graph.dim(), described.first, described.second};
}

absl::StatusOr<std::vector<FileEntry>> ParseManifest(const std::string& text, const std::string& path,
                                                     const std::string& model_checksum) {
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kManifestHeader) {
    return absl::DataLossError(fmt::format("{} is not an index manifest ({})", path, kManifestHeader));
  }
  if (!std::getline(lines, line) || line != "model\t" + model_checksum) {
    return absl::DataLossError(fmt::format("{} was built for another model file (its line: '{}', expected checksum {})",
                                           path, line, model_checksum));
  }
  std::vector<FileEntry> entries;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    FileEntry entry;
    if (!(fields >> entry.name >> entry.rows >> entry.dim >> entry.bytes >> entry.crc_hex) ||
        entry.name.find('/') != std::string::npos) {
      return absl::DataLossError(fmt::format("{}: malformed line '{}'", path, line));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<HnswIndex> LoadGraph(const std::filesystem::path& folder, const std::vector<FileEntry>& entries,
                                    std::string_view name, int64_t rows, int dim, int ef_search) {
  const FileEntry* entry = nullptr;
  for (const FileEntry& candidate : entries) {
    if (candidate.name == name) entry = &candidate;
  }
  if (entry == nullptr) return absl::DataLossError(fmt::format("{}: no '{}' index in the manifest", folder.string(), name));
  if (entry->rows != rows || entry->dim != dim) {
    return absl::DataLossError(fmt::format("{}: the '{}' index holds {} x {}, the model needs {} x {}", folder.string(),
                                           name, entry->rows, entry->dim, rows, dim));
  }
  const std::string path = (folder / entry->name).string();
  ASSIGN_OR_RETURN(auto described, DescribeFile(path));
  if (described.first != entry->bytes || described.second != entry->crc_hex) {
    return absl::DataLossError(fmt::format("{} is corrupted: {} bytes with CRC-32 {}, the manifest says {} bytes with {}",
                                           path, described.first, described.second, entry->bytes, entry->crc_hex));
  }
  ASSIGN_OR_RETURN(HnswIndex graph, HnswIndex::Load(path, dim));
  if (graph.size() != rows) {
    return absl::DataLossError(fmt::format("{} holds {} rows, expected {}", path, graph.size(), rows));
  }
  graph.set_ef_search(ef_search);
  return graph;
}

}  // namespace

absl::StatusOr<ModelAnnIndex> ModelAnnIndex::Build(const trainer::Model& model, const AnnConfig& config, int threads) {
  const trainer::ServingIndex& serving = model.serving();
  const HnswBuildParams params{.m = config.m, .ef_construction = config.ef_construction, .threads = threads};
  ModelAnnIndex index;
  ASSIGN_OR_RETURN(index.personal_, HnswIndex::Build(serving.items().data(), serving.items().rows(),
                                                     static_cast<int>(serving.items().cols()), params));
  ASSIGN_OR_RETURN(index.similar_, HnswIndex::Build(serving.unit_items().data(), serving.unit_items().rows(),
                                                    static_cast<int>(serving.unit_items().cols()), params));
  index.personal_.set_ef_search(config.ef_search);
  index.similar_.set_ef_search(config.ef_search);
  return index;
}

absl::Status ModelAnnIndex::Save(const std::string& folder, const std::string& model_checksum) const {
  const std::filesystem::path target(folder);
  std::error_code error;
  if (std::filesystem::exists(target, error)) {
    return absl::AlreadyExistsError(fmt::format("{} exists already", folder));
  }
  const std::filesystem::path partial = fmt::format("{}.partial.{}", folder, ::getpid());
  std::filesystem::remove_all(partial, error);
  if (!std::filesystem::create_directories(partial, error)) {
    return absl::InternalError(fmt::format("cannot create {}: {}", partial.string(), error.message()));
  }
  auto write = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(FileEntry personal, SaveGraph(personal_, partial, "personal.hnsw"));
    ASSIGN_OR_RETURN(FileEntry similar, SaveGraph(similar_, partial, "similar.hnsw"));
    std::string manifest = fmt::format("{}\nmodel\t{}\n", kManifestHeader, model_checksum);
    for (const FileEntry& entry : {personal, similar}) {
      manifest += fmt::format("{}\t{}\t{}\t{}\t{}\n", entry.name, entry.rows, entry.dim, entry.bytes, entry.crc_hex);
    }
    RETURN_IF_ERROR(common::WriteFileAtomically((partial / kManifest).string(), manifest));
    RETURN_IF_ERROR(Fsync(partial.string(), O_RDONLY | O_DIRECTORY));
    if (::rename(partial.c_str(), folder.c_str()) != 0) {
      return absl::InternalError(fmt::format("rename {} to {}: {}", partial.string(), folder, std::strerror(errno)));
    }
    return Fsync(target.has_parent_path() ? target.parent_path().string() : ".", O_RDONLY | O_DIRECTORY);
  };
  absl::Status written = write();
  if (!written.ok()) std::filesystem::remove_all(partial, error);
  return written;
}

absl::StatusOr<ModelAnnIndex> ModelAnnIndex::Load(const std::string& folder, const std::string& model_checksum,
                                                  const trainer::Model& model, int ef_search) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    return absl::NotFoundError(fmt::format("no index folder {}", folder));
  }
  const std::string manifest_path = (std::filesystem::path(folder) / kManifest).string();
  absl::StatusOr<std::string> manifest = common::ReadFile(manifest_path);
  if (!manifest.ok()) {
    return absl::DataLossError(fmt::format("{}: {}", folder, std::string(manifest.status().message())));
  }
  ASSIGN_OR_RETURN(std::vector<FileEntry> entries, ParseManifest(*manifest, manifest_path, model_checksum));
  const trainer::ServingIndex& serving = model.serving();
  ModelAnnIndex index;
  ASSIGN_OR_RETURN(index.personal_, LoadGraph(folder, entries, "personal.hnsw", serving.items().rows(),
                                              static_cast<int>(serving.items().cols()), ef_search));
  ASSIGN_OR_RETURN(index.similar_, LoadGraph(folder, entries, "similar.hnsw", serving.unit_items().rows(),
                                             static_cast<int>(serving.unit_items().cols()), ef_search));
  return index;
}

}  // namespace vitrina::serving
