#include "serving/seen_filter.h"

#include <algorithm>

namespace vitrina::serving {

SeenFilter::SeenFilter(const trainer::Model* model, std::span<const int32_t> model_consumed,
                       std::span<const int64_t> cold_consumed, std::vector<int64_t> recent)
    : model_(model), model_consumed_(model_consumed), cold_consumed_(cold_consumed), recent_(std::move(recent)) {}

bool SeenFilter::Rejects(int64_t title_id) const {
  if (std::binary_search(recent_.begin(), recent_.end(), title_id)) return true;
  if (std::binary_search(cold_consumed_.begin(), cold_consumed_.end(), title_id)) return true;
  if (model_ == nullptr || model_consumed_.empty()) return false;
  std::optional<int32_t> index = model_->ItemIndex(title_id);
  return index && std::binary_search(model_consumed_.begin(), model_consumed_.end(), *index);
}

}  // namespace vitrina::serving
