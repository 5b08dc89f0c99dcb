#include "trainer/interactions.h"

#include <cmath>
#include <string>

#include "fmt/format.h"

namespace vitrina::trainer {

void Interactions::Add(int32_t user, int32_t item, float value, float weight) {
  users.push_back(user);
  items.push_back(item);
  values.push_back(value);
  weights.push_back(weight);
}

absl::Status Interactions::Validate() const {
  if (n_users < 0 || n_items < 0)
    return absl::InvalidArgumentError("interactions have a negative shape");
  if (items.size() != users.size() || values.size() != users.size() ||
      weights.size() != users.size()) {
    return absl::InvalidArgumentError(
        "interactions: users, items, values and weights differ in length");
  }
  for (size_t i = 0; i < users.size(); ++i) {
    if (users[i] < 0 || users[i] >= n_users || items[i] < 0 || items[i] >= n_items) {
      return absl::InvalidArgumentError(
          fmt::format("interaction {} (user {}, item {}) is outside the {}x{} matrix", i, users[i],
                      items[i], n_users, n_items));
    }
    if (!std::isfinite(values[i]) || !std::isfinite(weights[i])) {
      return absl::InvalidArgumentError(
          fmt::format("interaction {} has a non-finite value or weight", i));
    }
  }
  return absl::OkStatus();
}

CsrMatrix Interactions::ToCsr() const {
  std::vector<MatrixEntry> entries(users.size());
  for (size_t i = 0; i < users.size(); ++i) entries[i] = {users[i], items[i], values[i]};
  return CsrMatrix::FromEntries(n_users, n_items, std::move(entries));
}

}  // namespace vitrina::trainer
