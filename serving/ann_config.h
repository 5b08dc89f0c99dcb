#pragma once

namespace vitrina::serving {

// Approximate retrieval (config key `serving.ann`): from which catalog size a training builds the
// HNSW indexes beside its model file and serving answers from them, and how they are built and
// searched. In the inner-product space hnswlib's neighbour heuristic leaves most titles a handful
// of links (a mean of 5 of the 64 slots on the bottom layer at M 32, ef_construction 100; 40% of
// the titles with no link to them), and ef_construction is what lifts recall at a given search
// cost: on 200k planted titles recall@10 at ef_search 128 was 0.949 with ef_construction 100 and
// 0.981 with 300, at the same CPU per search; M 64 bought about what a larger ef_search buys at
// M 32 for the same CPU. The defaults hold recall@10 >= 0.98 up to 1M titles: ef_construction 500
// and ef_search 192 gave 0.980 at 1M (serial p99 0.71-0.96 ms) and 0.992 at 200k (0.78 ms).
// bench/README.md has the figures (vitrina-bench-ann).
struct AnnConfig {
  int min_titles = 50'000;  // models with fewer titles are scored exactly (a pass is cheap there)
  int m = 32;
  int ef_construction = 500;  // ~14 min for 1M titles on 2 cores: the training job pays it once per model
  int ef_search = 192;  // a search for k titles uses max(ef_search, k)

  friend bool operator==(const AnnConfig&, const AnnConfig&) = default;
};

}  // namespace vitrina::serving
