#pragma once

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "registry/registry_database.h"
#include "registry/unix_time.h"

namespace vitrina::registry {

// An interaction recorded through the API, kept for the next (incremental) training.
struct HotInteraction {
  int64_t user_id = 0;
  int64_t title_id = 0;
  std::string type;  // an interaction type of the config: "rating", "view", ...
  double value = 0;
  UnixSeconds timestamp = 0;
};

// Interactions recorded through the API since the data source was last read. Thread-safe;
// `database` must outlive it.
class HotInteractionStore {
 public:
  explicit HotInteractionStore(RegistryDatabase& database) : database_(database) {}

  // One autocommitted insert through a cached prepared statement. InvalidArgument for ids <= 0,
  // an empty type, a value that is not finite or a negative timestamp.
  absl::Status Append(const HotInteraction& interaction);

  // Calls `visit` for every interaction with timestamp >= `since`, oldest first (ties in
  // recording order), streaming from a read-only connection so that appends go on meanwhile.
  // `visit` gets a reused object (copy what it keeps) and must not call Read operations of the
  // registry (see RegistryDatabase::Read).
  absl::Status ReadSince(UnixSeconds since,
                         absl::FunctionRef<void(const HotInteraction&)> visit) const;

  absl::StatusOr<int64_t> Count() const;

  // Removes the interactions with timestamp < `cutoff` (a training has absorbed them) and
  // returns how many were removed.
  absl::StatusOr<int64_t> PruneOlderThan(UnixSeconds cutoff);

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
