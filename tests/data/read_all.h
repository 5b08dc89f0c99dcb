#pragma once

#include <vector>

#include "absl/status/status.h"
#include "data/data_source.h"
#include "data/in_memory_data_source.h"

namespace vitrina::data {

// Reads everything a source serves into memory, so tests can compare sources record by record.
inline absl::StatusOr<InMemoryCatalog> ReadAll(DataSource& source, int64_t since = 0) {
  InMemoryCatalog catalog;
  absl::Status status = source.ReadInteractionTypes([&](const InteractionTypeRecord& r) {
    catalog.interaction_types.push_back(r);
    return absl::OkStatus();
  });
  if (status.ok()) {
    status = source.ReadTitles([&](const TitleRecord& r) {
      catalog.titles.push_back(r);
      return absl::OkStatus();
    });
  }
  if (status.ok()) {
    status = source.ReadUsers([&](const UserRecord& r) {
      catalog.users.push_back(r);
      return absl::OkStatus();
    });
  }
  if (status.ok()) {
    status = source.ReadInteractions(since, [&](const InteractionRecord& r) {
      catalog.interactions.push_back(r);
      return absl::OkStatus();
    });
  }
  if (!status.ok()) return status;
  return catalog;
}

}  // namespace vitrina::data
