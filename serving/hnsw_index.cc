#include "serving/hnsw_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

#include "fmt/format.h"

namespace vitrina::serving {

HnswIndex::HnswIndex() = default;
HnswIndex::HnswIndex(HnswIndex&&) noexcept = default;
HnswIndex& HnswIndex::operator=(HnswIndex&&) noexcept = default;
HnswIndex::~HnswIndex() = default;

absl::StatusOr<HnswIndex> HnswIndex::Build(const float* rows, int64_t n, int dim, const HnswBuildParams& params) {
  if (n <= 0 || n > std::numeric_limits<int32_t>::max() || dim <= 0) {
    return absl::InvalidArgumentError(fmt::format("an HNSW index needs 1..2^31-1 rows of 1 or more floats, got {} x {}", n, dim));
  }
  if (params.m < 2 || params.m > 1000 || params.ef_construction < 1 || params.threads < 1) {
    return absl::InvalidArgumentError(fmt::format("HNSW parameters out of range: m {} (2..1000), ef_construction {}, threads {}",
                                                  params.m, params.ef_construction, params.threads));
  }
  HnswIndex index;
  index.dim_ = dim;
  try {
    index.space_ = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dim));
    index.graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        index.space_.get(), static_cast<size_t>(n), static_cast<size_t>(params.m),
        static_cast<size_t>(params.ef_construction), static_cast<size_t>(params.seed));
    auto add = [&](int64_t row) { index.graph_->addPoint(rows + row * dim, static_cast<hnswlib::labeltype>(row)); };
    // The first row becomes the entry point alone; hnswlib's insertions are thread-safe after it.
    add(0);
    std::atomic<int64_t> next{1};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
      try {
        for (int64_t row = next.fetch_add(1); row < n; row = next.fetch_add(1)) add(row);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        failure = std::current_exception();
        next.store(n);
      }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < params.threads; ++t) workers.emplace_back(work);
    work();
    for (std::thread& worker : workers) worker.join();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    return absl::ResourceExhaustedError(fmt::format("building the HNSW index of {} rows failed: {}", n, error.what()));
  }
  return index;
}

absl::StatusOr<HnswIndex> HnswIndex::Load(const std::string& path, int dim) {
  HnswIndex index;
  index.dim_ = dim;
  try {
    index.space_ = std::make_unique<hnswlib::InnerProductSpace>(static_cast<size_t>(dim));
    index.graph_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(index.space_.get(), path);
  } catch (const std::exception& error) {
    return absl::DataLossError(fmt::format("HNSW index {}: {}", path, error.what()));
  }
  // hnswlib reads the row size from the file: a file of another dimension would be misread.
  const size_t expected = static_cast<size_t>(dim) * sizeof(float);
  if (index.graph_->label_offset_ - index.graph_->offsetData_ != expected) {
    return absl::DataLossError(fmt::format("HNSW index {} holds rows of {} bytes, expected {} floats", path,
                                           index.graph_->label_offset_ - index.graph_->offsetData_, dim));
  }
  return index;
}

absl::Status HnswIndex::Save(const std::string& path) const {
  try {
    graph_->saveIndex(path);
  } catch (const std::exception& error) {
    return absl::InternalError(fmt::format("cannot write the HNSW index {}: {}", path, error.what()));
  }
  return absl::OkStatus();
}

void HnswIndex::set_ef_search(int ef) { graph_->setEf(static_cast<size_t>(std::max(ef, 1))); }

std::vector<trainer::ScoredIndex> HnswIndex::Search(std::span<const float> query, int k) const {
  std::vector<trainer::ScoredIndex> found;
  if (k <= 0 || graph_ == nullptr) return found;
  auto queue = graph_->searchKnn(query.data(), static_cast<size_t>(k));
  found.resize(queue.size());
  // The queue pops the farthest first; hnswlib's inner-product distance is 1 - dot.
  for (size_t i = found.size(); i-- > 0; queue.pop()) {
    found[i] = {static_cast<int32_t>(queue.top().second), 1.0f - queue.top().first};
  }
  return found;
}

int64_t HnswIndex::size() const { return graph_ ? static_cast<int64_t>(graph_->cur_element_count) : 0; }
int HnswIndex::m() const { return graph_ ? static_cast<int>(graph_->M_) : 0; }
int HnswIndex::ef_construction() const { return graph_ ? static_cast<int>(graph_->ef_construction_) : 0; }

size_t HnswIndex::MemoryBytes() const {
  if (!graph_) return 0;
  size_t bytes = graph_->max_elements_ * graph_->size_data_per_element_;
  for (size_t i = 0; i < graph_->cur_element_count; ++i) {
    bytes += graph_->size_links_per_element_ * static_cast<size_t>(graph_->element_levels_[i]);
  }
  return bytes;
}

}  // namespace vitrina::serving
