#pragma once

#include "absl/types/span.h"

namespace vitrina::registry {

// One step of the registry schema. Versions count up from 1 without gaps; the file's
// `PRAGMA user_version` is the last step applied. A released step is never edited: a change is a
// new step.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Every step, in the order they are applied.
absl::Span<const Migration> SchemaMigrations();

// The version of the last step: what a freshly migrated file records.
int LatestSchemaVersion();

}  // namespace vitrina::registry
