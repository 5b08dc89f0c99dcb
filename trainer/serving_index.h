#pragma once

#include <Eigen/Core>

#include "trainer/csr_matrix.h"
#include "trainer/embedding_table.h"
#include "trainer/half_precision_rows.h"
#include "trainer/top_k_by_dot.h"

namespace vitrina::trainer {

// What serving reads, precomputed once per model so that a request is one matrix-vector product:
// every user and item representation with both biases folded in, and the items' unit vectors.
class ServingIndex {
 public:
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  ServingIndex() = default;
  // Representations are feature-weighted sums of the tables' rows (LightFM's
  // get_*_representations).
  static ServingIndex Build(const CsrMatrix& user_features, const CsrMatrix& item_features,
                            const EmbeddingTable& users, const EmbeddingTable& items);

  // n_users x (no_components + 2): [embedding, 1, user bias]
  const RowMatrix& users() const { return users_; }
  // n_items x (no_components + 2): [embedding, item bias, 1]; so users().row(u) . items().row(i)
  // is LightFM's prediction.
  const RowMatrix& items() const { return items_; }
  // n_items x no_components: item embeddings scaled to length 1 (a zero embedding stays zero), so
  // that unit_items() * unit_items().row(i)' is the cosine similarity to item i.
  const RowMatrix& unit_items() const { return unit_items_; }

  // items() and unit_items() with their half-precision copies, for TopKByDot.
  DotRows item_rows() const { return {items_.data(), items_.rows(), static_cast<int>(items_.cols()), &half_items_}; }
  DotRows unit_item_rows() const {
    return {unit_items_.data(), unit_items_.rows(), static_cast<int>(unit_items_.cols()), &half_unit_items_};
  }

 private:
  RowMatrix users_;
  RowMatrix items_;
  RowMatrix unit_items_;
  HalfPrecisionRows half_items_;
  HalfPrecisionRows half_unit_items_;
};

}  // namespace vitrina::trainer
