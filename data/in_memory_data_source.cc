#include "data/in_memory_data_source.h"

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

template <typename Record, typename Sink>
absl::Status Replay(const std::vector<Record>& records, const Sink& sink) {
  for (const Record& record : records) RETURN_IF_ERROR(sink(record));
  return absl::OkStatus();
}

}  // namespace

std::string InMemoryDataSource::Name() const {
  return fmt::format("in-memory ({} titles, {} users, {} interactions)", catalog_.titles.size(),
                     catalog_.users.size(), catalog_.interactions.size());
}

absl::Status InMemoryDataSource::ReadInteractionTypes(const InteractionTypeSink& sink) {
  return Replay(catalog_.interaction_types, sink);
}

absl::Status InMemoryDataSource::ReadTitles(const TitleSink& sink) {
  return Replay(catalog_.titles, sink);
}

absl::Status InMemoryDataSource::ReadUsers(const UserSink& sink) {
  return Replay(catalog_.users, sink);
}

absl::Status InMemoryDataSource::ReadInteractions(int64_t since_timestamp,
                                                  const InteractionSink& sink) {
  for (const InteractionRecord& interaction : catalog_.interactions) {
    if (interaction.timestamp > ExclusiveLowerBound(since_timestamp))
      RETURN_IF_ERROR(sink(interaction));
  }
  return absl::OkStatus();
}

}  // namespace vitrina::data
