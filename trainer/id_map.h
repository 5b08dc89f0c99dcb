#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace vitrina::trainer {

// External int64 ids (the catalog's) to dense int32 indices in order of first appearance.
// Append-only: an id keeps its index for the life of a model and across fit_partial.
class IdMap {
 public:
  // The index of `id`, appended when new.
  int32_t Add(int64_t id);
  std::optional<int32_t> Find(int64_t id) const;
  int64_t IdAt(int32_t index) const { return ids_[index]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<int64_t>& ids() const { return ids_; }

  friend bool operator==(const IdMap& a, const IdMap& b) { return a.ids_ == b.ids_; }

 private:
  std::vector<int64_t> ids_;
  absl::flat_hash_map<int64_t, int32_t> index_of_;
};

}  // namespace vitrina::trainer
