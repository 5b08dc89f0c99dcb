#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "data/preparation_config.h"
#include "server/catalog_newcomers.h"
#include "server/served_model.h"

namespace vitrina::server {

// What a recorded interaction (RecordInteraction, POST /interactions, next-title feedback) changes
// on the served model at once: a positive one refits the user's vector in the model's overlay, so
// the user's next answer follows it before any training. Callers drop the user's cached answers
// afterwards (answers of adapted users are also keyed by the row's revision).
class RealtimeUpdates {
 public:
  // `preparation` decides what counts as positive, as for training (the type's min_value);
  // `newcomers` (optional) places a user outside the model by their features before the first
  // update moves them, instead of starting from no taste at all.
  RealtimeUpdates(const ModelHolder& holder, const data::PreparationConfig& preparation,
                  const NewcomersHolder* newcomers = nullptr)
      : holder_(holder), preparation_(preparation), newcomers_(newcomers) {}

  // True when the user's vector moved (a positive interaction on a title the served model knows,
  // with real-time updates on).
  bool Record(int64_t user_id, int64_t title_id, std::string_view type, double value) const;
  // Recorded interactions were deleted: the vectors they moved go back to the trained ones (the
  // user's, or everyone's when `user_id` is unset), so a deleted interaction moves no answer.
  void Forget(std::optional<int64_t> user_id) const;

 private:
  bool IsPositive(std::string_view type, double value) const;

  const ModelHolder& holder_;
  const data::PreparationConfig& preparation_;
  const NewcomersHolder* newcomers_;
};

}  // namespace vitrina::server
