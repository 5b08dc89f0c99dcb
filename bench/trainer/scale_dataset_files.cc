#include "bench/trainer/scale_dataset_files.h"

#include <bit>
#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace vitrina::bench {
namespace {

static_assert(std::endian::native == std::endian::little, "the .i32 files are little-endian");

absl::Status WriteInts(const std::filesystem::path& path, std::span<const int32_t> values) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size_bytes()));
  out.close();
  if (!out) return absl::InternalError(fmt::format("cannot write {}", path.string()));
  return absl::OkStatus();
}

// A CSR matrix's entries as (rows, cols) in row order.
absl::Status WriteEntries(const trainer::CsrMatrix& matrix, const std::filesystem::path& folder,
                          const std::string& prefix) {
  std::vector<int32_t> rows;
  rows.reserve(matrix.indices.size());
  for (int32_t row = 0; row < matrix.rows; ++row) rows.insert(rows.end(), matrix.RowSize(row), row);
  if (absl::Status status = WriteInts(folder / (prefix + "_users.i32"), rows); !status.ok()) {
    return status;
  }
  return WriteInts(folder / (prefix + "_items.i32"), matrix.indices);
}

}  // namespace

absl::Status WriteScaleData(const ScaleData& data, const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return absl::InvalidArgumentError(
        fmt::format("--write-dataset: cannot create {}: {}", folder.string(), error.message()));
  }
  {
    std::ofstream shape(folder / "shape.txt", std::ios::trunc);
    shape << data.train.n_users << ' ' << data.train.n_items << '\n';
    shape.close();
    if (!shape) return absl::InternalError(fmt::format("cannot write {}/shape.txt", folder.string()));
  }
  for (absl::Status status : {WriteInts(folder / "train_users.i32", data.train.users),
                              WriteInts(folder / "train_items.i32", data.train.items),
                              WriteEntries(data.test, folder, "test"),
                              WriteEntries(data.train_of_test_users, folder, "test_train")}) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace vitrina::bench
