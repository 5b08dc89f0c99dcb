#include "registry/hot_interaction_store.h"

#include <cmath>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "registry/sqlite_values.h"

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
  if (interaction.timestamp < 0 || interaction.timestamp > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(fmt::format("timestamp must be in 0..{} (1970-01-01..9999-12-31), got {}",
                                                  kMaxTimestampSeconds, interaction.timestamp));
  }
  return absl::OkStatus();
}

absl::Status Validate(const HotInteractionFilter& filter) {
  const bool filtered = filter.user_id || filter.title_id || filter.since || filter.until;
  if (!filtered && !filter.all) {
    return absl::InvalidArgumentError(
        "give at least one filter (user_id, title_id, since, until), or all to delete every interaction");
  }
  if (filtered && filter.all) return absl::InvalidArgumentError("all deletes every interaction: give it without filters");
  for (auto [name, id] : {std::pair{"user_id", filter.user_id}, std::pair{"title_id", filter.title_id}}) {
    if (id && *id < 0) {
      return absl::InvalidArgumentError(fmt::format("{} must be a catalog id (>= 0), got {}", name, *id));
    }
  }
  if (filter.since && filter.until && *filter.since >= *filter.until) {
    return absl::InvalidArgumentError(
        fmt::format("since ({}) must be before until ({})", *filter.since, *filter.until));
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

absl::StatusOr<int64_t> HotInteractionStore::Delete(const HotInteractionFilter& filter) {
  RETURN_IF_ERROR(Validate(filter));
  return database_.Write("deleting interactions", [&](Connection& connection) -> absl::StatusOr<int64_t> {
    CachedStatement remove = connection.Prepare(
        "DELETE FROM hot_interactions WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR title_id = ?2) "
        "AND (?3 IS NULL OR timestamp >= ?3) AND (?4 IS NULL OR timestamp < ?4)");
    BindOptional(*remove, 1, filter.user_id);
    BindOptional(*remove, 2, filter.title_id);
    BindOptional(*remove, 3, filter.since);
    BindOptional(*remove, 4, filter.until);
    return remove->exec();
  });
}

}  // namespace vitrina::registry
