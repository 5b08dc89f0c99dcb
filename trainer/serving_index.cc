#include "trainer/serving_index.h"

namespace vitrina::trainer {
namespace {

// rows x (d + 2): the weighted sum of each entity's feature rows, its bias at `bias_column` and 1
// in the other extra column.
ServingIndex::RowMatrix Representations(const CsrMatrix& features, const EmbeddingTable& table,
                                        int bias_column) {
  const int d = table.no_components;
  ServingIndex::RowMatrix out = ServingIndex::RowMatrix::Zero(features.rows, d + 2);
  for (int32_t e = 0; e < features.rows; ++e) {
    float bias = 0;
    auto columns = features.RowIndices(e);
    auto weights = features.RowValues(e);
    for (size_t i = 0; i < columns.size(); ++i) {
      const float* row = table.Row(columns[i]);
      out.row(e).head(d) += weights[i] * Eigen::Map<const Eigen::RowVectorXf>(row, d);
      bias += weights[i] * row[table.bias_lane()];
    }
    out(e, bias_column) = bias;
    out(e, bias_column == d ? d + 1 : d) = 1.0f;
  }
  return out;
}

}  // namespace

ServingIndex ServingIndex::Build(const CsrMatrix& user_features, const CsrMatrix& item_features,
                                 const EmbeddingTable& users, const EmbeddingTable& items) {
  const int d = items.no_components;
  ServingIndex index;
  index.users_ = Representations(user_features, users, d + 1);
  index.items_ = Representations(item_features, items, d);
  index.unit_items_ = index.items_.leftCols(d);
  for (Eigen::Index i = 0; i < index.unit_items_.rows(); ++i) {
    const float norm = index.unit_items_.row(i).norm();
    if (norm > 0) index.unit_items_.row(i) /= norm;
  }
  index.half_items_ = HalfPrecisionRows::Build(index.items_.data(), index.items_.rows(), static_cast<int>(index.items_.cols()));
  index.half_unit_items_ =
      HalfPrecisionRows::Build(index.unit_items_.data(), index.unit_items_.rows(), static_cast<int>(index.unit_items_.cols()));
  return index;
}

}  // namespace vitrina::trainer
