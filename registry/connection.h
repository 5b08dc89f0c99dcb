#pragma once

#include <memory>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "absl/container/flat_hash_map.h"

namespace vitrina::registry {

// A prepared statement borrowed from a Connection. It is reset when it goes out of scope, so a
// SELECT that stopped before its last row never keeps a read transaction (and with it an old WAL
// snapshot) open on the connection.
class CachedStatement {
 public:
  explicit CachedStatement(SQLite::Statement& statement) : statement_(&statement) {}
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement() { statement_->tryReset(); }

  SQLite::Statement* operator->() const { return statement_; }
  SQLite::Statement& operator*() const { return *statement_; }

 private:
  SQLite::Statement* statement_;
};

// One SQLite connection and the statements prepared on it. Not thread-safe: RegistryDatabase
// lends it to one caller at a time.
class Connection {
 public:
  explicit Connection(SQLite::Database database) : database_(std::move(database)) {}

  SQLite::Database& database() { return database_; }

  // The statement for `sql`, compiled on first use and kept for the connection's lifetime:
  // statements run on every request (appends, lookups) skip SQLite's parser.
  CachedStatement Prepare(const std::string& sql);

 private:
  // Declared first so that it is destroyed last: SQLite refuses to close a connection that
  // still has statements.
  SQLite::Database database_;
  absl::flat_hash_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace vitrina::registry
