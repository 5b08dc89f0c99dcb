#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "server/cold_consumption.h"
#include "server/popular_titles.h"
#include "server/user_overlay.h"
#include "serving/ann_index.h"
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
  // Users adapted to their interactions since `model`'s snapshot; mutable (thread-safe) and owned
  // by this model alone, so activating another model drops it. Null: real-time updates are off.
  std::shared_ptr<UserOverlay> overlay;
  // The titles' genres and creators (model.dataset().items().SideFeatureMatrix()), read by the
  // request's attribute filters; built at load. Null: built per filtered request (tests, benches).
  std::shared_ptr<const trainer::CsrMatrix> title_attributes;

  // The HNSW indexes saved beside the model file, loaded when the catalog reaches
  // serving.ann.min_titles; null: every answer is ranked by the exact pass.
  std::shared_ptr<const serving::ModelAnnIndex> ann;
  int64_t watermark = 0;  // newest interaction the model's data held (unix seconds)
  absl::Time activated_at;
};

// The served model behind an atomic pointer: a request takes a snapshot and finishes on it even
// when a new model is swapped in meanwhile (TensorFlow Serving's rule: load and check the new one
// fully, then swap; the old one goes when its last request ends).
//
// Beside it, a note for operators and callers: why the served model is not the one the registry
// marks active (a start-up fallback), or why none serves. Empty when neither needs saying.
class ModelHolder {
 public:
  std::shared_ptr<const ServedModel> Current() const { return current_.load(std::memory_order_acquire); }
  // Serves `next` with its note, both at once. Returns the model it replaced (null when none).
  std::shared_ptr<const ServedModel> Swap(std::shared_ptr<const ServedModel> next, std::string note = "") {
    std::lock_guard lock(note_mutex_);
    note_ = std::move(note);
    return current_.exchange(std::move(next), std::memory_order_acq_rel);
  }

  std::string Note() const {
    std::lock_guard lock(note_mutex_);
    return note_;
  }
  // Why no model serves, for UNAVAILABLE answers and health: the note when start-up left one (a
  // model that failed to load, no training coming), else the usual reason.
  std::string NothingServesReason() const {
    std::string note = Note();
    return note.empty() ? "no model is serving yet: the first training has not finished" : note;
  }
  // Sets the note only while nothing serves, so that it never outlives a model swapped in
  // meanwhile (e.g. by a training that finished at once).
  void SetNoteWhileEmpty(std::string note) {
    std::lock_guard lock(note_mutex_);
    if (current_.load(std::memory_order_acquire) == nullptr) note_ = std::move(note);
  }

 private:
  std::atomic<std::shared_ptr<const ServedModel>> current_;
  mutable std::mutex note_mutex_;  // writers are rare; readers of the model never take it
  std::string note_;
};

// The active next-title model (a NEXT_TITLE training; registry role "next_title"): which titles
// follow a title. Served beside the personal model and swapped on its own.
struct ServedNextTitleModel {
  int64_t model_id = 0;
  std::shared_ptr<const trainer::Model> model;
  absl::Time activated_at;
};

// Same rule as ModelHolder, for the next-title model; empty until one is activated (the session
// policies then use the embedding stand-in).
class NextTitleHolder {
 public:
  std::shared_ptr<const ServedNextTitleModel> Current() const { return current_.load(std::memory_order_acquire); }
  std::shared_ptr<const ServedNextTitleModel> Swap(std::shared_ptr<const ServedNextTitleModel> next) {
    return current_.exchange(std::move(next), std::memory_order_acq_rel);
  }

 private:
  std::atomic<std::shared_ptr<const ServedNextTitleModel>> current_;
};

}  // namespace vitrina::server
