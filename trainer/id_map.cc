#include "trainer/id_map.h"

namespace vitrina::trainer {

int32_t IdMap::Add(int64_t id) {
  auto [it, inserted] = index_of_.try_emplace(id, static_cast<int32_t>(ids_.size()));
  if (inserted) ids_.push_back(id);
  return it->second;
}

std::optional<int32_t> IdMap::Find(int64_t id) const {
  auto it = index_of_.find(id);
  if (it == index_of_.end()) return std::nullopt;
  return it->second;
}

}  // namespace vitrina::trainer
