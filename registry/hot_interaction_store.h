#pragma once

#include <cstdint>
#include <optional>
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

// Which recorded interactions to delete: those matching every filter given. No filter matches
// nothing unless `all` says so, so that a forgotten parameter never empties the store.
struct HotInteractionFilter {
  std::optional<int64_t> user_id = std::nullopt;
  std::optional<int64_t> title_id = std::nullopt;
  std::optional<UnixSeconds> since = std::nullopt;  // timestamp >= since
  std::optional<UnixSeconds> until = std::nullopt;  // timestamp < until
  bool all = false;                  // every interaction; only without the filters above
};

// Interactions recorded through the API since the data source was last read. Thread-safe;
// `database` must outlive it.
class HotInteractionStore {
 public:
  explicit HotInteractionStore(RegistryDatabase& database) : database_(database) {}

  // One autocommitted insert through a cached prepared statement. InvalidArgument for ids <= 0,
  // an empty type, a value that is not finite or a timestamp outside 0..kMaxTimestampSeconds.
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

  // Removes the interactions `filter` selects (an operator repairing a mistake) and returns how
  // many were removed. InvalidArgument when it has no filter and not `all`, `all` with a filter,
  // ids <= 0, or since >= until.
  absl::StatusOr<int64_t> Delete(const HotInteractionFilter& filter);

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
