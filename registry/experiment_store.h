#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "registry/registry_database.h"
#include "registry/unix_time.h"

namespace vitrina::registry {

// One stored experiment. The definition (salt, arms, allow-list) is kept as the API's JSON,
// which the server reads back; the registry only orders, filters and timestamps.
struct ExperimentRecord {
  std::string name;
  std::string layer;
  bool running = true;
  std::string definition_json;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> stopped_at;
};

// The experiments table (migration 8). Thread-safe; `database` must outlive it.
class ExperimentStore {
 public:
  explicit ExperimentStore(RegistryDatabase& database) : database_(database) {}

  // AlreadyExists when the name is taken (stopped experiments keep theirs); FailedPrecondition
  // when another experiment runs in the layer.
  absl::Status Insert(const ExperimentRecord& record);
  // Every experiment, newest first.
  absl::StatusOr<std::vector<ExperimentRecord>> List() const;
  // NotFound naming the experiment.
  absl::StatusOr<ExperimentRecord> Get(const std::string& name) const;
  // Marks it stopped at `at` and returns it; stopping a stopped one changes nothing.
  absl::StatusOr<ExperimentRecord> Stop(const std::string& name, UnixSeconds at);

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
