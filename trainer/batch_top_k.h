#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "trainer/csr_matrix.h"
#include "trainer/model.h"
#include "trainer/top_k.h"

namespace vitrina::trainer {

struct BatchTopKOptions {
  int k = 10;
  int threads = 1;
  // Items to leave out per user (users x items), e.g. training positives; may be null.
  const CsrMatrix* excluded = nullptr;
  // Also leave out the model's consumed items.
  bool exclude_consumed = true;
};

// The top k items of each user in `users`, in the same order: blocks of users are scored against
// all items with one matrix product each, blocks spread over `threads` threads.
absl::StatusOr<std::vector<std::vector<ScoredIndex>>> BatchTopK(const Model& model,
                                                                std::span<const int32_t> users,
                                                                const BatchTopKOptions& options);

}  // namespace vitrina::trainer
