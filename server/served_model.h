#pragma once

#include <atomic>
#include <memory>

#include "absl/time/time.h"
#include "server/cold_consumption.h"
#include "server/popular_titles.h"
#include "sessions/session_model.h"
#include "trainer/model.h"

namespace vitrina::server {

// Everything one answer needs from the active model, immutable once published: the model, the
// popular titles of the same data snapshot (the cold-start answer) with what users outside the
// model consumed, the next-title policies' per-model parts, and its registry id.
struct ServedModel {
  int64_t model_id = 0;
  std::shared_ptr<const trainer::Model> model;
  std::shared_ptr<const PopularTitles> popular;
  std::shared_ptr<const ColdConsumption> cold_consumed = std::make_shared<const ColdConsumption>();
  // What next-title policies need of `model` (creator index, next-title model), built with it.
  std::shared_ptr<const sessions::SessionModel> sessions;
  int64_t watermark = 0;  // newest interaction the model's data held (unix seconds)
  absl::Time activated_at;
};

// The served model behind an atomic pointer: a request takes a snapshot and finishes on it even
// when a new model is swapped in meanwhile (TensorFlow Serving's rule: load and check the new one
// fully, then swap; the old one goes when its last request ends).
class ModelHolder {
 public:
  std::shared_ptr<const ServedModel> Current() const { return current_.load(std::memory_order_acquire); }
  // Returns the model it replaced (null when none).
  std::shared_ptr<const ServedModel> Swap(std::shared_ptr<const ServedModel> next) {
    return current_.exchange(std::move(next), std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::shared_ptr<const ServedModel>> current_;
};

}  // namespace vitrina::server
