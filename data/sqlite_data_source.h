#pragma once

#include <memory>
#include <string>

#include "SQLiteCpp/Database.h"
#include "absl/status/statusor.h"
#include "data/data_source.h"

namespace vitrina::data {

// The embedded catalog (the zero-setup default): a SQLite file written by vitrina-datagen or
// WriteEmbeddedCatalog, opened read-only.
class SqliteDataSource final : public DataSource {
 public:
  // NotFound when the file does not exist, FailedPrecondition when it is not a Vitrina catalog of
  // the supported schema version.
  static absl::StatusOr<std::unique_ptr<SqliteDataSource>> Open(const std::string& path);

  std::string Name() const override;
  absl::Status ReadInteractionTypes(const InteractionTypeSink& sink) override;
  absl::Status ReadTitles(const TitleSink& sink) override;
  absl::Status ReadUsers(const UserSink& sink) override;
  absl::Status ReadInteractions(int64_t since_timestamp, const InteractionSink& sink) override;

 private:
  SqliteDataSource(std::string path, std::unique_ptr<SQLite::Database> db)
      : path_(std::move(path)), db_(std::move(db)) {}

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

}  // namespace vitrina::data
