#pragma once

#include <memory>

#include "sessions/creator_index.h"
#include "sessions/personal_list_cache.h"
#include "trainer/model.h"

namespace vitrina::sessions {

// What next-title policies need of one served model beyond the model itself: who made each title
// (with the creator blend's rows) and the users' personal lists once computed. Built once when the
// model is loaded for serving, never per call; immutable, shared by every call on that model. (The
// next-title model is chosen per call: server/call_next_titles.h.)
class SessionModel {
 public:
  explicit SessionModel(std::shared_ptr<const trainer::Model> model)
      : model_(std::move(model)), creators_(*model_) {}
  SessionModel(const SessionModel&) = delete;
  SessionModel& operator=(const SessionModel&) = delete;

  const trainer::Model& model() const { return *model_; }
  const CreatorIndex& creators() const { return creators_; }
  // The users' personal lists on this model, kept between calls.
  const PersonalListCache& personal_lists() const { return personal_lists_; }

 private:
  std::shared_ptr<const trainer::Model> model_;  // kept alive for the parts below, which refer to it
  CreatorIndex creators_;
  PersonalListCache personal_lists_;
};

}  // namespace vitrina::sessions
