#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <SQLiteCpp/Exception.h>

#include "absl/status/statusor.h"
#include "registry/connection.h"
#include "registry/sqlite_status.h"

namespace vitrina::registry {

// The SQLite file that holds models, training jobs, hot interactions and the blacklist.
//
// Opening applies the schema migrations this build knows (each in one IMMEDIATE transaction) and
// turns on WAL, synchronous=NORMAL (a commit is durable once the WAL is checkpointed; a crash
// loses at most the last commits, never consistency), foreign keys and a busy timeout.
//
// Threads: two connections, each behind its own mutex. Write() lends the read-write connection
// (all writes and every read-then-write transaction go through it, one at a time, as SQLite
// allows only one writer anyway); Read() lends a read-only connection, so that a long read (a
// training job streaming hot interactions) runs beside writers thanks to WAL. Other processes
// may open the same file: IMMEDIATE transactions and the busy timeout serialize them.
class RegistryDatabase {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens `path`, creating and migrating it as needed. FailedPrecondition when its schema is
  // newer than this build knows or when it cannot be in WAL mode (e.g. ":memory:"); DataLoss
  // when it is not a SQLite database.
  static absl::StatusOr<std::unique_ptr<RegistryDatabase>> Open(const std::string& path);

  RegistryDatabase(const RegistryDatabase&) = delete;
  RegistryDatabase& operator=(const RegistryDatabase&) = delete;

  const std::string& path() const { return path_; }

  // Runs `work(Connection&)` on the read-write connection, holding it for the whole call. `work`
  // returns absl::Status or absl::StatusOr<T>; a SQLite exception it throws becomes a status
  // naming `context`. A multi-statement or read-then-write `work` opens
  // `SQLite::Transaction(db, SQLite::TransactionBehavior::IMMEDIATE)`: a deferred one fails at
  // once with SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
  template <typename Work>
  auto Write(std::string_view context, Work&& work) {
    return Run(write_mutex_, writer_, context, std::forward<Work>(work));
  }

  // Same on the read-only connection. `work` must not call Read() again (it would wait for
  // itself); it may call Write().
  template <typename Work>
  auto Read(std::string_view context, Work&& work) {
    return Run(read_mutex_, reader_, context, std::forward<Work>(work));
  }

 private:
  RegistryDatabase(std::string path, Connection writer, Connection reader)
      : path_(std::move(path)), writer_(std::move(writer)), reader_(std::move(reader)) {}

  template <typename Work>
  static auto Run(std::mutex& mutex, Connection& connection, std::string_view context, Work&& work)
      -> std::invoke_result_t<Work&, Connection&> {
    std::lock_guard<std::mutex> lock(mutex);
    try {
      return work(connection);
    } catch (const SQLite::Exception& error) {
      return SqliteErrorToStatus(error, context);
    }
  }

  const std::string path_;
  std::mutex write_mutex_;
  Connection writer_;
  std::mutex read_mutex_;
  Connection reader_;
};

}  // namespace vitrina::registry
