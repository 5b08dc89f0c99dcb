#include "trainer/regularization_scales.h"

namespace vitrina::trainer {

RegularizationScales::Snapshot RegularizationScales::Merge(double user_growth, double item_growth) {
  std::lock_guard<std::mutex> lock(mutex_);
  user_scale_ *= user_growth;
  item_scale_ *= item_growth;
  if (user_scale_ > kMaxScale || item_scale_ > kMaxScale) RenormalizeLocked();
  return {user_scale_, item_scale_, generation_.load(std::memory_order_relaxed)};
}

void RegularizationScales::Renormalize() {
  std::lock_guard<std::mutex> lock(mutex_);
  RenormalizeLocked();
}

void RegularizationScales::RenormalizeLocked() {
  if (user_scale_ != 1.0) users_.DivideWeights(user_scale_);
  if (item_scale_ != 1.0) items_.DivideWeights(item_scale_);
  user_scale_ = item_scale_ = 1.0;
  generation_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace vitrina::trainer
