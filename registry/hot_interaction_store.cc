#include "registry/hot_interaction_store.h"

#include <cmath>

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::registry {
namespace {

absl::Status Validate(const HotInteraction& interaction) {
  if (interaction.user_id < 0) {
    return absl::InvalidArgumentError(
        fmt::format("user_id must be a catalog id (>= 0), got {}", interaction.user_id));
  }
  if (interaction.title_id < 0) {
    return absl::InvalidArgumentError(
        fmt::format("title_id must be a catalog id (>= 0), got {}", interaction.title_id));
  }
  if (interaction.type.empty()) return absl::InvalidArgumentError("type is empty");
  if (!std::isfinite(interaction.value)) {
    return absl::InvalidArgumentError(
        fmt::format("value must be a finite number, got {}", interaction.value));
  }
  if (interaction.timestamp < 0) {
    return absl::InvalidArgumentError(
        fmt::format("timestamp must not be negative, got {}", interaction.timestamp));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status HotInteractionStore::Append(const HotInteraction& interaction) {
  RETURN_IF_ERROR(Validate(interaction));
  return database_.Write("recording an interaction", [&](Connection& connection) {
    CachedStatement insert = connection.Prepare(
        "INSERT INTO hot_interactions (user_id, title_id, type, value, timestamp) "
        "VALUES (?, ?, ?, ?, ?)");
    insert->bind(1, interaction.user_id);
    insert->bind(2, interaction.title_id);
    insert->bind(3, interaction.type);
    insert->bind(4, interaction.value);
    insert->bind(5, interaction.timestamp);
    insert->exec();
    return absl::OkStatus();
  });
}

absl::Status HotInteractionStore::ReadSince(
    UnixSeconds since, absl::FunctionRef<void(const HotInteraction&)> visit) const {
  return database_.Read(
      fmt::format("reading interactions since {}", since), [&](Connection& connection) {
        CachedStatement query = connection.Prepare(
            "SELECT user_id, title_id, type, value, timestamp FROM hot_interactions "
            "WHERE timestamp >= ? ORDER BY timestamp, id");
        query->bind(1, since);
        HotInteraction interaction;
        while (query->executeStep()) {
          interaction.user_id = query->getColumn(0).getInt64();
          interaction.title_id = query->getColumn(1).getInt64();
          interaction.type.assign(query->getColumn(2).getText());
          interaction.value = query->getColumn(3).getDouble();
          interaction.timestamp = query->getColumn(4).getInt64();
          visit(interaction);
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<int64_t> HotInteractionStore::Count() const {
  return database_.Read(
      "counting interactions", [&](Connection& connection) -> absl::StatusOr<int64_t> {
        CachedStatement query = connection.Prepare("SELECT COUNT(*) FROM hot_interactions");
        query->executeStep();
        return query->getColumn(0).getInt64();
      });
}

absl::StatusOr<int64_t> HotInteractionStore::PruneOlderThan(UnixSeconds cutoff) {
  return database_.Write(fmt::format("pruning interactions before {}", cutoff),
                         [&](Connection& connection) -> absl::StatusOr<int64_t> {
                           CachedStatement prune = connection.Prepare(
                               "DELETE FROM hot_interactions WHERE timestamp < ?");
                           prune->bind(1, cutoff);
                           return prune->exec();
                         });
}

}  // namespace vitrina::registry
