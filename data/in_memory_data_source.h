#pragma once

#include <vector>

#include "data/data_source.h"

namespace vitrina::data {

// Everything a DataSource serves, held in memory.
struct InMemoryCatalog {
  std::vector<InteractionTypeRecord> interaction_types;
  std::vector<TitleRecord> titles;
  std::vector<UserRecord> users;
  std::vector<InteractionRecord> interactions;

  bool operator==(const InMemoryCatalog&) const = default;
};

// A source over records held in memory: the null source (default-constructed, empty) and the
// fixture of tests.
class InMemoryDataSource final : public DataSource {
 public:
  InMemoryDataSource() = default;
  explicit InMemoryDataSource(InMemoryCatalog catalog) : catalog_(std::move(catalog)) {}

  std::string Name() const override;
  absl::Status ReadInteractionTypes(const InteractionTypeSink& sink) override;
  absl::Status ReadTitles(const TitleSink& sink) override;
  absl::Status ReadUsers(const UserSink& sink) override;
  absl::Status ReadInteractions(int64_t since_timestamp, const InteractionSink& sink) override;

 private:
  InMemoryCatalog catalog_;
};

}  // namespace vitrina::data
