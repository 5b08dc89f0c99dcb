#include "server/replication_files.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

namespace {

constexpr size_t kReadBlock = 1 << 20;

absl::Status ErrnoError(std::string_view what, const std::string& path) {
  return absl::InternalError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

// Names a primary never offers: temp files of an atomic write or of a download, an index folder
// being written (ModelAnnIndex::Save) or downloaded.
bool IsTransientName(std::string_view suffix) {
  return suffix.find(".tmp.") != std::string_view::npos || suffix.find(".partial.") != std::string_view::npos ||
         suffix.ends_with(".part") || suffix.ends_with(kFolderDownloadSuffix);
}

bool ValidBesideName(std::string_view suffix) {
  return !suffix.empty() && suffix.front() == '.' && suffix.find('\0') == std::string_view::npos &&
         !IsTransientName(suffix);
}

absl::Status SyncFolderOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open the folder of", path);
  ::fsync(fd);
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ModelFilePath(const std::string& model_path, std::string_view suffix) {
  if (suffix.empty()) return model_path;
  const size_t slash = suffix.find('/');
  bool valid = ValidBesideName(suffix.substr(0, slash));
  if (valid && slash != std::string_view::npos) {
    const std::string_view name = suffix.substr(slash + 1);
    valid = !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
            name.find('\0') == std::string_view::npos && !IsTransientName(name);
  }
  if (!valid) {
    return absl::InvalidArgumentError(fmt::format(
        "suffix must be \"\", start with '.' or be '.<folder>/<file>' (one level, no temp file), got '{}'",
        suffix.substr(0, 64)));
  }
  return model_path + std::string(suffix);
}

std::optional<std::string_view> FolderOfSuffix(std::string_view suffix) {
  const size_t slash = suffix.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return suffix.substr(0, slash);
}

absl::StatusOr<std::string> FileCrc32Hex(const std::string& path, std::optional<int64_t> length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open {}", path));
  uLong crc = crc32(0L, Z_NULL, 0);
  std::vector<char> block(kReadBlock);
  int64_t left = length.value_or(std::numeric_limits<int64_t>::max());
  while (left > 0 && in) {
    in.read(block.data(), static_cast<std::streamsize>(std::min<int64_t>(left, static_cast<int64_t>(block.size()))));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    crc = crc32(crc, reinterpret_cast<const Bytef*>(block.data()), static_cast<uInt>(got));
    left -= got;
  }
  if (in.bad()) return absl::DataLossError(fmt::format("cannot read {}", path));
  return fmt::format("{:08x}", static_cast<uint32_t>(crc));
}

absl::StatusOr<v1::ModelManifest> DescribeModelFiles(const registry::ModelRecord& record) {
  const std::filesystem::path model_path(record.artifact.file_path);
  std::error_code error;
  if (!std::filesystem::is_regular_file(model_path, error)) {
    return absl::NotFoundError(fmt::format("model {}: its file {} is missing", record.id, model_path.string()));
  }
  v1::ModelManifest manifest;
  v1::ReplicatedModel& model = *manifest.mutable_model();
  model.set_model_id(record.id);
  model.set_role(std::string(registry::ToString(record.artifact.role)));
  model.set_created_at_unix(record.created_at);
  model.set_params_json(record.artifact.params_json);
  model.set_metrics_json(record.artifact.metrics_json);
  model.set_dataset_json(record.artifact.dataset_json);
  model.set_checksum(record.artifact.checksum);
  model.set_size_bytes(record.artifact.size_bytes);
  model.set_n_users(record.artifact.n_users);
  model.set_n_titles(record.artifact.n_titles);
  model.set_watermark_unix(record.artifact.watermark);

  const std::string base = model_path.filename().string();
  std::vector<std::string> suffixes{""};
  const std::filesystem::path folder = model_path.has_parent_path() ? model_path.parent_path() : ".";
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= base.size() || !name.starts_with(base)) continue;
    const std::string suffix = name.substr(base.size());
    if (entry.is_regular_file()) {
      if (ModelFilePath(record.artifact.file_path, suffix).ok()) suffixes.push_back(suffix);
      continue;
    }
    // A folder beside the model (its ANN index, `<model>.ann/`): its files, one level deep.
    if (!entry.is_directory() || !ValidBesideName(suffix)) continue;
    for (const auto& inner : std::filesystem::directory_iterator(entry.path(), error)) {
      const std::string inner_suffix = suffix + "/" + inner.path().filename().string();
      if (inner.is_regular_file() && ModelFilePath(record.artifact.file_path, inner_suffix).ok()) {
        suffixes.push_back(inner_suffix);
      }
    }
    if (error) return absl::InternalError(fmt::format("cannot list {}: {}", entry.path().string(), error.message()));
  }
  if (error) return absl::InternalError(fmt::format("cannot list {}: {}", folder.string(), error.message()));
  std::sort(suffixes.begin() + 1, suffixes.end());
  for (const std::string& suffix : suffixes) {
    const std::string path = record.artifact.file_path + suffix;
    v1::ModelFileDescription* file = manifest.add_files();
    file->set_suffix(suffix);
    const auto size = std::filesystem::file_size(path, error);
    if (error) return absl::NotFoundError(fmt::format("cannot read the size of {}: {}", path, error.message()));
    file->set_size_bytes(static_cast<int64_t>(size));
    ASSIGN_OR_RETURN(std::string crc, FileCrc32Hex(path));
    file->set_crc32_hex(std::move(crc));
  }
  return manifest;
}

absl::Status ReadFileChunks(const std::string& path, int64_t offset, size_t chunk_bytes,
                            const std::function<bool(int64_t offset, std::string_view data)>& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot open {}", path));
  std::error_code error;
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path, error));
  if (error) return absl::NotFoundError(fmt::format("cannot read the size of {}", path));
  if (offset < 0 || offset > size) {
    return absl::OutOfRangeError(fmt::format("offset must be in 0..{} (the file's size), got {}", size, offset));
  }
  in.seekg(offset);
  std::vector<char> chunk(chunk_bytes);
  while (offset < size) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) return absl::DataLossError(fmt::format("{} ended at byte {} of {}", path, offset, size));
    if (!sink(offset, std::string_view(chunk.data(), static_cast<size_t>(got)))) return absl::OkStatus();
    offset += got;
  }
  return absl::OkStatus();
}

absl::Status DownloadModelFile(const v1::ModelFileDescription& file, const std::string& path,
                               const ChunkSource& source, const DownloadOptions& options) {
  const std::string part = path + ".part";
  std::error_code error;
  int64_t held = std::filesystem::exists(part, error) ? static_cast<int64_t>(std::filesystem::file_size(part, error)) : 0;
  if (error || held > file.size_bytes()) {
    std::filesystem::remove(part, error);  // not a prefix of this file
    held = 0;
  }
  absl::Status last = absl::OkStatus();
  for (int attempt = 1; held < file.size_bytes() && attempt <= std::max(1, options.max_attempts); ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(options.retry_pause);
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("cannot open", part);
    last = source(held, [&](std::string_view chunk) -> absl::Status {
      if (held + static_cast<int64_t>(chunk.size()) > file.size_bytes()) {
        return absl::DataLossError(fmt::format("the primary sent more than the {} bytes of {}", file.size_bytes(), path));
      }
      while (!chunk.empty()) {
        const ssize_t written = ::write(fd, chunk.data(), chunk.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) return ErrnoError("cannot write", part);
        chunk.remove_prefix(static_cast<size_t>(written));
        held += written;
      }
      return absl::OkStatus();
    });
    if (::fsync(fd) != 0 && last.ok()) last = ErrnoError("fsync", part);
    ::close(fd);
    if (absl::IsCancelled(last)) return last;
    if (!last.ok()) {
      spdlog::warn("downloading {} broke at byte {} of {} (attempt {}): {}", path, held, file.size_bytes(), attempt,
                   std::string(last.message()));
    } else if (held < file.size_bytes()) {
      last = absl::DataLossError(fmt::format("the primary's stream of {} ended at byte {} of {}", path, held,
                                             file.size_bytes()));
    }
  }
  if (held < file.size_bytes() || !last.ok()) return last;
  if (held == 0 && !std::filesystem::exists(part, error)) {  // an empty file: nothing was written
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("cannot create", part);
    ::close(fd);
  }
  ASSIGN_OR_RETURN(std::string crc, FileCrc32Hex(part));
  if (crc != file.crc32_hex()) {
    std::filesystem::remove(part, error);
    return absl::DataLossError(fmt::format("{}: the downloaded bytes have CRC-32 {}, the primary's manifest says {}: "
                                           "refused (the partial file is removed, the next try starts over)",
                                           path, crc, file.crc32_hex()));
  }
  if (::rename(part.c_str(), path.c_str()) != 0) return ErrnoError("cannot rename to", path);
  return SyncFolderOf(path);
}

}  // namespace vitrina::server
