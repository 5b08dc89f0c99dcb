#pragma once

namespace vitrina::serving {

// Approximate retrieval (config key `serving.ann`): from which catalog size a training builds the
// HNSW indexes beside its model file and serving answers from them, and how they are built and
// searched. In the inner-product space M matters most: on a planted catalog (3,000 titles x 16,
// 30 clusters, log-normal norms) the graph's 168 best held 87% of the exact top 50 with M 16,
// 99% with M 32 and 100% with M 64, whatever ef_construction (200 or 500); bench/README.md has
// the 1M-title figures (vitrina-bench-ann).
struct AnnConfig {
  int min_titles = 50'000;  // models with fewer titles are scored exactly (a pass is cheap there)
  int m = 32;
  int ef_construction = 100;
  int ef_search = 64;  // a search for k titles uses max(ef_search, k)

  friend bool operator==(const AnnConfig&, const AnnConfig&) = default;
};

}  // namespace vitrina::serving
