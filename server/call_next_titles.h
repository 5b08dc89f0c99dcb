#pragma once

#include <memory>
#include <optional>

#include "server/served_model.h"
#include "sessions/learned_next_titles.h"
#include "sessions/next_title_model.h"

namespace vitrina::server {

// The NextTitleModel one next-title call uses: the learned next-title model when one is active
// (falling back to the embedding stand-in for a title it does not know), else the stand-in over
// the personal model. Holds both snapshots, so a model swapped meanwhile stays alive until the
// call ends. Cheap to build per call.
class CallNextTitles {
 public:
  CallNextTitles(std::shared_ptr<const ServedModel> personal, std::shared_ptr<const ServedNextTitleModel> learned)
      : personal_(std::move(personal)), learned_(std::move(learned)), stand_in_(*personal_->model, personal_->ann ? &personal_->ann->similar() : nullptr) {
    if (learned_) learned_titles_.emplace(*learned_->model, stand_in_);
  }
  CallNextTitles(const CallNextTitles&) = delete;
  CallNextTitles& operator=(const CallNextTitles&) = delete;

  const sessions::NextTitleModel& model() const {
    if (learned_titles_) return *learned_titles_;
    return stand_in_;
  }
  // The registry id of the learned model answering, 0 for the stand-in.
  int64_t learned_model_id() const { return learned_ ? learned_->model_id : 0; }

 private:
  std::shared_ptr<const ServedModel> personal_;
  std::shared_ptr<const ServedNextTitleModel> learned_;
  sessions::EmbeddingNextTitles stand_in_;
  std::optional<sessions::LearnedNextTitles> learned_titles_;
};

}  // namespace vitrina::server
