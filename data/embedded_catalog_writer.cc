#include "data/embedded_catalog_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "SQLiteCpp/Transaction.h"
#include "common/status_macros.h"
#include "data/embedded_schema.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

absl::Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(fmt::format("open {}: {}", path, std::strerror(errno)));
  int result = ::fsync(fd);
  ::close(fd);
  if (result != 0)
    return absl::InternalError(fmt::format("fsync {}: {}", path, std::strerror(errno)));
  return absl::OkStatus();
}

// Runs the inserts for one record; a write error must not surface as a read error of the source
// (which may itself be SQLite and catch SQLite exceptions), so it becomes a Status here.
template <typename Write>
absl::Status Writing(const Write& write) {
  try {
    write();
    return absl::OkStatus();
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(fmt::format("writing embedded catalog: {}", e.what()));
  }
}

absl::Status CopyInto(SQLite::Database& db, DataSource& source) {
  db.exec(std::string(EmbeddedSchemaSql()));
  db.exec(fmt::format("PRAGMA user_version = {}", kEmbeddedSchemaVersion));
  SQLite::Transaction transaction(db);

  SQLite::Statement insert_type(db, "INSERT INTO interaction_types (name, weight) VALUES (?, ?)");
  RETURN_IF_ERROR(source.ReadInteractionTypes([&](const InteractionTypeRecord& type) {
    return Writing([&] {
      insert_type.bind(1, type.name);
      insert_type.bind(2, type.weight);
      insert_type.exec();
      insert_type.reset();
    });
  }));

  SQLite::Statement insert_title(db, "INSERT INTO titles (id, name, available) VALUES (?, ?, ?)");
  SQLite::Statement insert_genre(db, "INSERT INTO title_genres (title_id, genre) VALUES (?, ?)");
  SQLite::Statement insert_creator(db,
                                   "INSERT INTO title_creators (title_id, creator) VALUES (?, ?)");
  auto insert_list = [](SQLite::Statement& statement, int64_t id,
                        const std::vector<std::string>& items) {
    for (const std::string& item : items) {
      statement.bind(1, id);
      statement.bind(2, item);
      statement.exec();
      statement.reset();
    }
  };
  RETURN_IF_ERROR(source.ReadTitles([&](const TitleRecord& title) {
    return Writing([&] {
      insert_title.bind(1, title.id);
      insert_title.bind(2, title.name);
      insert_title.bind(3, title.available ? 1 : 0);
      insert_title.exec();
      insert_title.reset();
      insert_list(insert_genre, title.id, title.genres);
      insert_list(insert_creator, title.id, title.creators);
    });
  }));

  SQLite::Statement insert_user(db, "INSERT INTO users (id) VALUES (?)");
  SQLite::Statement insert_feature(db,
                                   "INSERT INTO user_features (user_id, feature) VALUES (?, ?)");
  RETURN_IF_ERROR(source.ReadUsers([&](const UserRecord& user) {
    return Writing([&] {
      insert_user.bind(1, user.id);
      insert_user.exec();
      insert_user.reset();
      insert_list(insert_feature, user.id, user.features);
    });
  }));

  SQLite::Statement insert_interaction(
      db,
      "INSERT INTO interactions (user_id, title_id, type, value, created_at) "
      "VALUES (?, ?, ?, ?, ?)");
  RETURN_IF_ERROR(source.ReadInteractions(0, [&](const InteractionRecord& interaction) {
    return Writing([&] {
      insert_interaction.bind(1, interaction.user_id);
      insert_interaction.bind(2, interaction.title_id);
      insert_interaction.bind(3, interaction.type);
      insert_interaction.bind(4, interaction.value);
      insert_interaction.bind(5, interaction.timestamp);
      insert_interaction.exec();
      insert_interaction.reset();
    });
  }));
  transaction.commit();
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteEmbeddedCatalog(DataSource& source, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(path, error)) {
    return absl::AlreadyExistsError(fmt::format("{} already exists", path));
  }
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(folder, error);
  if (error) {
    return absl::InternalError(
        fmt::format("cannot create {}: {}", folder.string(), error.message()));
  }
  const std::string building = fmt::format("{}.building-{}", path, ::getpid());
  fs::remove(building, error);

  absl::Status status;
  try {
    SQLite::Database db(building, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // The file is private until the rename: no journal to keep it consistent on a crash.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
    status = CopyInto(db, source);
  } catch (const SQLite::Exception& e) {
    status =
        absl::InternalError(fmt::format("writing embedded catalog {}: {}", building, e.what()));
  }
  if (status.ok()) status = FsyncPath(building, O_RDONLY);
  if (status.ok() && ::rename(building.c_str(), path.c_str()) != 0) {
    status = absl::InternalError(fmt::format("rename to {}: {}", path, std::strerror(errno)));
  }
  if (!status.ok()) {
    fs::remove(building, error);
    return status;
  }
  return FsyncPath(folder.string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace vitrina::data
