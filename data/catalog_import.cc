#include "data/catalog_import.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "SQLiteCpp/Transaction.h"
#include "absl/container/flat_hash_set.h"
#include "data/embedded_schema.h"
#include "data/import_records.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

// Pages of the import's transaction stay in memory up to this size (negative = KiB), so a large
// import does not spill to the journal half-way; 1M interactions need ~60 MB of pages.
constexpr std::string_view kImportCacheSize = "PRAGMA cache_size = -262144";

constexpr double kCreatedTypeWeight = 1;

// A running server may be reading the catalog (a training's full read takes seconds): the commit
// waits for its readers this long before giving up (nothing is written then either).
constexpr int kBusyTimeoutMs = 60000;

void Execute(SQLite::Statement& statement) {
  statement.exec();
  statement.reset();
}

void InsertList(SQLite::Statement& statement, int64_t id, const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    statement.bind(1, id);
    statement.bind(2, item);
    Execute(statement);
  }
}

// Validates every row and writes the good ones while no row was bad (after the first bad row it
// only validates, to report more of them). Rows go into the caller's open transaction.
class Importer {
 public:
  Importer(SQLite::Database& db, bool replacing, ImportErrors& errors, ImportSummary& summary)
      : db_(db),
        replacing_(replacing),
        errors_(errors),
        summary_(summary),
        insert_type_(db, "INSERT INTO interaction_types (name, weight) VALUES (?, ?)"),
        insert_title_(db, "INSERT INTO titles (id, name, available) VALUES (?, ?, ?)"),
        insert_genre_(db, "INSERT INTO title_genres (title_id, genre) VALUES (?, ?)"),
        insert_creator_(db, "INSERT INTO title_creators (title_id, creator) VALUES (?, ?)"),
        insert_user_(db, "INSERT INTO users (id) VALUES (?)"),
        insert_feature_(db, "INSERT INTO user_features (user_id, feature) VALUES (?, ?)"),
        insert_interaction_(db,
                            "INSERT INTO interactions (user_id, title_id, type, value, created_at) "
                            "VALUES (?, ?, ?, ?, ?)") {}

  // What the catalog already holds, so that duplicates and references are checked against it.
  void LoadExisting() {
    SQLite::Statement types(db_, "SELECT name FROM interaction_types");
    while (types.executeStep()) type_names_.insert(types.getColumn(0).getString());
    SQLite::Statement titles(db_, "SELECT id FROM titles");
    while (titles.executeStep()) title_ids_.insert(titles.getColumn(0).getInt64());
    SQLite::Statement users(db_, "SELECT id FROM users");
    while (users.executeStep()) user_ids_.insert(users.getColumn(0).getInt64());
  }

  void ImportInteractionTypes(const ImportText& file) {
    ForEachRow<InteractionTypeRecord>(file, InteractionTypeColumns(), InteractionTypeFromRow,
               [&](const InteractionTypeRecord& type, const ImportRow& row) {
                 if (!type_names_.insert(type.name).second) {
                   Bad(file, row.line, row.values[0].column,
                       fmt::format("name: type '{}' is already {}", type.name,
                                   WhereKnown(file)));
                   return;
                 }
                 if (!writing()) return;
                 InsertType(type.name, type.weight);
                 ++summary_.interaction_types;
               });
  }

  void ImportTitles(const ImportText& file) {
    ForEachRow<TitleRecord>(file, TitleColumns(), TitleFromRow, [&](const TitleRecord& title,
                                                       const ImportRow& row) {
      if (!title_ids_.insert(title.id).second) {
        Bad(file, row.line, row.values[0].column,
            fmt::format("id: title {} is already {}", title.id, WhereKnown(file)));
        return;
      }
      if (!writing()) return;
      insert_title_.bind(1, title.id);
      insert_title_.bind(2, title.name);
      insert_title_.bind(3, title.available ? 1 : 0);
      Execute(insert_title_);
      InsertList(insert_genre_, title.id, title.genres);
      InsertList(insert_creator_, title.id, title.creators);
      ++summary_.titles;
    });
  }

  void ImportUsers(const ImportText& file) {
    ForEachRow<UserRecord>(file, UserColumns(), UserFromRow, [&](const UserRecord& user,
                                                     const ImportRow& row) {
      if (!user_ids_.insert(user.id).second) {
        Bad(file, row.line, row.values[0].column,
            fmt::format("id: user {} is already {}", user.id, WhereKnown(file)));
        return;
      }
      if (!writing()) return;
      insert_user_.bind(1, user.id);
      Execute(insert_user_);
      InsertList(insert_feature_, user.id, user.features);
      ++summary_.users;
    });
  }

  void ImportInteractions(const ImportText& file) {
    ForEachRow<InteractionRecord>(file, InteractionColumns(), InteractionFromRow,
               [&](const InteractionRecord& interaction, const ImportRow& row) {
                 if (!title_ids_.contains(interaction.title_id)) {
                   Bad(file, row.line, row.values[1].column,
                       fmt::format("title_id: title {} is in neither the titles file nor the "
                                   "catalog",
                                   interaction.title_id));
                   return;
                 }
                 if (!type_names_.contains(interaction.type)) {
                   type_names_.insert(interaction.type);
                   summary_.created_types.push_back(interaction.type);
                   if (writing()) InsertType(interaction.type, kCreatedTypeWeight);
                 }
                 if (!writing()) return;
                 insert_interaction_.bind(1, interaction.user_id);
                 insert_interaction_.bind(2, interaction.title_id);
                 insert_interaction_.bind(3, interaction.type);
                 insert_interaction_.bind(4, interaction.value);
                 insert_interaction_.bind(5, interaction.timestamp);
                 Execute(insert_interaction_);
                 ++summary_.interactions;
               });
  }

 private:
  bool writing() const { return errors_.empty(); }

  void Bad(const ImportText& file, int64_t line, int64_t column, std::string_view message) {
    errors_.Add(file.name, line, column, message);
  }

  // Where a repeated id was first seen: the file, or also the catalog when rows are appended.
  std::string WhereKnown(const ImportText& file) const {
    if (replacing_) return fmt::format("in {}", file.name);
    return fmt::format("in {} or the catalog (--replace empties the catalog first)", file.name);
  }

  void InsertType(const std::string& name, double weight) {
    insert_type_.bind(1, name);
    insert_type_.bind(2, weight);
    Execute(insert_type_);
  }

  template <typename Record, typename Convert, typename Store>
  void ForEachRow(const ImportText& file, std::span<const ImportColumn> schema,
                  const Convert& convert, const Store& store) {
    ReadImportRows(file.text, file.format, file.name, schema, errors_, [&](const ImportRow& row) {
      std::optional<Record> record = convert(row, [&](int64_t column, std::string message) {
        Bad(file, row.line, column, message);
      });
      if (record) store(*record, row);
    });
  }

  SQLite::Database& db_;
  const bool replacing_;
  ImportErrors& errors_;
  ImportSummary& summary_;
  absl::flat_hash_set<std::string> type_names_;
  absl::flat_hash_set<int64_t> title_ids_;
  absl::flat_hash_set<int64_t> user_ids_;
  SQLite::Statement insert_type_;
  SQLite::Statement insert_title_;
  SQLite::Statement insert_genre_;
  SQLite::Statement insert_creator_;
  SQLite::Statement insert_user_;
  SQLite::Statement insert_feature_;
  SQLite::Statement insert_interaction_;
};

// The import proper, on an open catalog; false when rows were bad (nothing committed).
bool ImportInto(SQLite::Database& db, bool create_schema, const ImportInput& input,
                const ImportOptions& options, ImportErrors& errors, ImportSummary& summary) {
  db.exec(std::string(kImportCacheSize));
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  if (create_schema) {
    db.exec(std::string(EmbeddedSchemaSql()));
    db.exec(fmt::format("PRAGMA user_version = {}", kEmbeddedSchemaVersion));
  }
  if (options.replace) {
    db.exec(
        "DELETE FROM interactions; DELETE FROM user_features; DELETE FROM users; "
        "DELETE FROM title_creators; DELETE FROM title_genres; DELETE FROM titles; "
        "DELETE FROM interaction_types;");
  }
  Importer importer(db, options.replace, errors, summary);
  importer.LoadExisting();
  if (input.interaction_types) importer.ImportInteractionTypes(*input.interaction_types);
  if (input.titles) importer.ImportTitles(*input.titles);
  if (input.users) importer.ImportUsers(*input.users);
  if (input.interactions) importer.ImportInteractions(*input.interactions);
  if (!errors.empty()) return false;  // the transaction rolls back as it goes out of scope
  transaction.commit();
  return true;
}

void RemoveCatalogFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

}  // namespace

absl::StatusOr<ImportText> ReadImportFile(const std::string& path,
                                          std::optional<ImportFormat> format) {
  ImportText file;
  file.name = path;
  if (format) {
    file.format = *format;
  } else {
    absl::StatusOr<ImportFormat> by_extension = ImportFormatOfPath(path);
    if (!by_extension.ok()) return by_extension.status();
    file.format = *by_extension;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("read error in {}", path));
  file.text = std::move(text).str();
  return file;
}

absl::StatusOr<ImportSummary> ImportCatalog(const std::string& catalog_path,
                                            const ImportInput& input,
                                            const ImportOptions& options, ImportErrors& errors) {
  ImportSummary summary;
  summary.created_catalog = !std::filesystem::exists(catalog_path);
  if (summary.created_catalog) {
    std::error_code error;
    const std::filesystem::path folder = std::filesystem::path(catalog_path).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, error);
    if (error) {
      return absl::InternalError(
          fmt::format("cannot create {}: {}", folder.string(), error.message()));
    }
  }
  bool committed = false;
  try {
    // One thread uses this connection: SQLite's own locking of it would only cost time.
    SQLite::Database db(catalog_path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX |
                                          (summary.created_catalog ? SQLite::OPEN_CREATE : 0));
    db.setBusyTimeout(kBusyTimeoutMs);
    if (!summary.created_catalog) {
      const int version = db.execAndGet("PRAGMA user_version").getInt();
      if (version != kEmbeddedSchemaVersion) {
        return absl::FailedPreconditionError(
            fmt::format("{} is not a Vitrina catalog of schema version {} (user_version is {})",
                        catalog_path, kEmbeddedSchemaVersion, version));
      }
    }
    committed = ImportInto(db, summary.created_catalog, input, options, errors, summary);
  } catch (const SQLite::Exception& e) {
    if (summary.created_catalog) RemoveCatalogFiles(catalog_path);
    return absl::InternalError(fmt::format("importing into {}: {}", catalog_path, e.what()));
  }
  if (!committed) {
    if (summary.created_catalog) RemoveCatalogFiles(catalog_path);
    return absl::InvalidArgumentError(
        fmt::format("{} bad row(s); nothing was written to {}", errors.count(), catalog_path));
  }
  return summary;
}

}  // namespace vitrina::data
