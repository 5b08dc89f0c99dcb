#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/top_k.h"

namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
class InnerProductSpace;
}  // namespace hnswlib

namespace vitrina::serving {

// How an HNSW graph is built: M links per node (2M on the bottom layer) and the candidate list of
// each insertion. Larger values raise recall and build time (bench/ann: vitrina-bench-ann).
struct HnswBuildParams {
  int m = 16;
  int ef_construction = 200;
  uint64_t seed = 100;  // the level draws
  int threads = 1;
};

// An HNSW graph (hnswlib 0.6.2) over the rows of a row-major float matrix, in hnswlib's own
// inner-product space: Search ranks rows by their dot product with the query, as the model's
// exact path does, so the rows are the serving index's bias-augmented vectors themselves (no
// MIPS-to-L2 transform, which loses recall when the rows' norms vary). Labels are row indices.
// Read-only once built or loaded: Search is safe from any number of threads.
class HnswIndex {
 public:
  HnswIndex();
  HnswIndex(HnswIndex&&) noexcept;
  HnswIndex& operator=(HnswIndex&&) noexcept;
  ~HnswIndex();

  // `rows` is n x dim, row-major. InvalidArgument for an empty matrix or bad parameters.
  static absl::StatusOr<HnswIndex> Build(const float* rows, int64_t n, int dim, const HnswBuildParams& params);
  // hnswlib's file format; DataLoss when hnswlib finds it truncated or inconsistent.
  static absl::StatusOr<HnswIndex> Load(const std::string& path, int dim);
  // Writes hnswlib's file format (not atomically: ModelAnnIndex writes a folder and renames it).
  absl::Status Save(const std::string& path) const;

  // The search's candidate list (hnswlib's ef); a search for k rows uses max(ef, k). Set it before
  // the index is shared: hnswlib keeps it in the graph.
  void set_ef_search(int ef);
  // About the k rows with the largest dot product with `query` (dim floats), best first, with
  // hnswlib's scores (1 - its inner-product distance). Fewer only when the graph holds fewer rows.
  std::vector<trainer::ScoredIndex> Search(std::span<const float> query, int k) const;

  int64_t size() const;
  int dim() const { return dim_; }
  int m() const;
  int ef_construction() const;
  // The graph's heap memory: node data and links of every layer, without the label map.
  size_t MemoryBytes() const;

 private:
  int dim_ = 0;
  std::unique_ptr<hnswlib::InnerProductSpace> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
};

}  // namespace vitrina::serving
