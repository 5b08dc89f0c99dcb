#include "server/realtime_updates.h"

#include <span>
#include <string>
#include <vector>

namespace vitrina::server {

bool RealtimeUpdates::IsPositive(std::string_view type, double value) const {
  auto rule = preparation_.interaction_rules.find(std::string(type));
  // A type without a rule counts with the catalog's weight in training, whatever its value.
  if (rule == preparation_.interaction_rules.end()) return true;
  if (rule->second.weight && *rule->second.weight <= 0) return false;
  return !rule->second.min_value || value >= *rule->second.min_value;
}

bool RealtimeUpdates::Record(int64_t user_id, int64_t title_id, std::string_view type, double value) const {
  if (!IsPositive(type, value)) return false;
  std::shared_ptr<const ServedModel> served = holder_.Current();
  if (served == nullptr || served->overlay == nullptr) return false;
  std::optional<std::vector<float>> featured;
  if (newcomers_ != nullptr && !served->model->UserIndex(user_id)) {
    if (std::shared_ptr<const Newcomers> newcomers = newcomers_->For(served->model_id)) {
      featured = newcomers->users->Row(*served->model, user_id);
    }
  }
  return served->overlay->AddPositive(user_id, title_id,
                                      featured ? std::span<const float>(*featured) : std::span<const float>());
}

void RealtimeUpdates::Forget(std::optional<int64_t> user_id) const {
  std::shared_ptr<const ServedModel> served = holder_.Current();
  if (served == nullptr || served->overlay == nullptr) return;
  if (user_id) {
    served->overlay->Forget(*user_id);
  } else {
    served->overlay->Clear();
  }
}

}  // namespace vitrina::server
