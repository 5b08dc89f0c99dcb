#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "data/records.h"

namespace vitrina::data {

// Sinks receive one record at a time so that a read of millions of rows keeps memory bounded. A
// sink that returns an error stops the read, which then returns that error.
using InteractionTypeSink = std::function<absl::Status(const InteractionTypeRecord&)>;
using TitleSink = std::function<absl::Status(const TitleRecord&)>;
using UserSink = std::function<absl::Status(const UserRecord&)>;
using InteractionSink = std::function<absl::Status(const InteractionRecord&)>;

// Reads take interactions with timestamp > since; a since <= 0 means all of them, including rows
// without a real time (0). This is the bound to compare with (or to bind into SQL).
inline int64_t ExclusiveLowerBound(int64_t since_timestamp) {
  return since_timestamp > 0 ? since_timestamp : std::numeric_limits<int64_t>::min();
}

// Where users, titles and interactions come from (MySQL in production, the embedded SQLite
// catalog otherwise). Reads never write to the catalog. One read at a time per object.
class DataSource {
 public:
  virtual ~DataSource() = default;

  // For logs: the kind of source and where it points (never a password).
  virtual std::string Name() const = 0;

  virtual absl::Status ReadInteractionTypes(const InteractionTypeSink& sink) = 0;
  virtual absl::Status ReadTitles(const TitleSink& sink) = 0;
  virtual absl::Status ReadUsers(const UserSink& sink) = 0;
  // Only interactions with timestamp > since_timestamp; <= 0 reads them all.
  virtual absl::Status ReadInteractions(int64_t since_timestamp, const InteractionSink& sink) = 0;
};

}  // namespace vitrina::data
