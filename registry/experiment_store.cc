#include "registry/experiment_store.h"

#include <SQLiteCpp/Transaction.h>

#include "fmt/format.h"

namespace vitrina::registry {
namespace {

constexpr char kColumns[] = "name, layer, state, definition_json, created_at, stopped_at";

ExperimentRecord ReadRow(SQLite::Statement& row) {
  ExperimentRecord record;
  record.name = row.getColumn(0).getString();
  record.layer = row.getColumn(1).getString();
  record.running = row.getColumn(2).getString() == "running";
  record.definition_json = row.getColumn(3).getString();
  record.created_at = row.getColumn(4).getInt64();
  if (!row.getColumn(5).isNull()) record.stopped_at = row.getColumn(5).getInt64();
  return record;
}

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(fmt::format("no experiment named '{}'", name));
}

}  // namespace

absl::Status ExperimentStore::Insert(const ExperimentRecord& record) {
  return database_.Write(fmt::format("creating experiment {}", record.name), [&](Connection& connection) -> absl::Status {
    SQLite::Transaction transaction(connection.database(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement existing(connection.database(), "SELECT state FROM experiments WHERE name = ?");
    existing.bind(1, record.name);
    if (existing.executeStep()) {
      return absl::AlreadyExistsError(fmt::format("experiment '{}' exists already ({}): experiment names are never reused",
                                                  record.name, existing.getColumn(0).getString()));
    }
    if (record.running) {
      SQLite::Statement layer(connection.database(), "SELECT name FROM experiments WHERE layer = ? AND state = 'running'");
      layer.bind(1, record.layer);
      if (layer.executeStep()) {
        return absl::FailedPreconditionError(fmt::format("experiment '{}' already runs in layer '{}'",
                                                         layer.getColumn(0).getString(), record.layer));
      }
    }
    SQLite::Statement insert(connection.database(),
                             fmt::format("INSERT INTO experiments ({}) VALUES (?, ?, ?, ?, ?, ?)", kColumns));
    insert.bind(1, record.name);
    insert.bind(2, record.layer);
    insert.bind(3, record.running ? "running" : "stopped");
    insert.bind(4, record.definition_json);
    insert.bind(5, record.created_at);
    if (record.stopped_at) {
      insert.bind(6, *record.stopped_at);
    } else {
      insert.bind(6);
    }
    insert.exec();
    transaction.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ExperimentRecord>> ExperimentStore::List() const {
  return database_.Read("listing experiments", [&](Connection& connection) -> absl::StatusOr<std::vector<ExperimentRecord>> {
    SQLite::Statement query(connection.database(),
                            fmt::format("SELECT {} FROM experiments ORDER BY created_at DESC, name", kColumns));
    std::vector<ExperimentRecord> records;
    while (query.executeStep()) records.push_back(ReadRow(query));
    return records;
  });
}

absl::StatusOr<ExperimentRecord> ExperimentStore::Get(const std::string& name) const {
  return database_.Read(fmt::format("reading experiment {}", name), [&](Connection& connection) -> absl::StatusOr<ExperimentRecord> {
    SQLite::Statement query(connection.database(), fmt::format("SELECT {} FROM experiments WHERE name = ?", kColumns));
    query.bind(1, name);
    if (!query.executeStep()) return NotFound(name);
    return ReadRow(query);
  });
}

absl::StatusOr<ExperimentRecord> ExperimentStore::Stop(const std::string& name, UnixSeconds at) {
  return database_.Write(fmt::format("stopping experiment {}", name), [&](Connection& connection) -> absl::StatusOr<ExperimentRecord> {
    SQLite::Transaction transaction(connection.database(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(connection.database(),
                             "UPDATE experiments SET state = 'stopped', stopped_at = ? WHERE name = ? AND state = 'running'");
    update.bind(1, at);
    update.bind(2, name);
    update.exec();
    SQLite::Statement query(connection.database(), fmt::format("SELECT {} FROM experiments WHERE name = ?", kColumns));
    query.bind(1, name);
    if (!query.executeStep()) return NotFound(name);
    ExperimentRecord record = ReadRow(query);
    transaction.commit();
    return record;
  });
}

}  // namespace vitrina::registry
