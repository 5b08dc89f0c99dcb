#pragma once

namespace vitrina::serving {

// Approximate retrieval (config key `serving.ann`): from which catalog size a training builds the
// HNSW indexes beside its model file and serving answers from them, and how they are built and
// searched. The defaults come from vitrina-bench-ann on 1M titles x 64 (bench/README.md).
struct AnnConfig {
  int min_titles = 50'000;  // models with fewer titles are scored exactly (a pass is cheap there)
  int m = 16;
  int ef_construction = 200;
  int ef_search = 64;  // a search for k titles uses max(ef_search, k)

  friend bool operator==(const AnnConfig&, const AnnConfig&) = default;
};

}  // namespace vitrina::serving
