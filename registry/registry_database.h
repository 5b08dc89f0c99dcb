#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <SQLiteCpp/Exception.h>

#include "absl/status/statusor.h"
#include "fmt/format.h"
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

  // OK while `path` still names the file this object opened. Once the file was deleted or
  // replaced, SQLite would go on writing the old, unlinked inode and everything written would be
  // gone at the next start: DataLoss naming the path. A stat(2), cheap enough for every call.
  absl::Status CheckFileIdentity() const;

  // Writes a consistent copy of the open database to `target`, which must not exist (VACUUM
  // INTO on the read-write connection, which still reads a deleted file): what rescues the
  // contents of a file deleted while open. Not refused like Write().
  absl::Status SaveCopy(const std::string& target);

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
  //
  // Both are refused (CheckFileIdentity's DataLoss, after `context`) once the file was deleted or
  // replaced: writes would be lost, and the read-only connection fails anyway (SQLITE_IOERR_FSTAT).
  template <typename Work>
  auto Read(std::string_view context, Work&& work) {
    return Run(read_mutex_, reader_, context, std::forward<Work>(work));
  }

 private:
  // The device and inode `path` named when it was opened.
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
  };

  RegistryDatabase(std::string path, FileIdentity identity, Connection writer, Connection reader)
      : path_(std::move(path)), identity_(identity), writer_(std::move(writer)), reader_(std::move(reader)) {}

  template <typename Work>
  auto Run(std::mutex& mutex, Connection& connection, std::string_view context, Work&& work)
      -> std::invoke_result_t<Work&, Connection&> {
    if (absl::Status file = CheckFileIdentity(); !file.ok()) {
      return absl::Status(file.code(), fmt::format("{}: {}", context, std::string(file.message())));
    }
    std::lock_guard<std::mutex> lock(mutex);
    try {
      return work(connection);
    } catch (const SQLite::Exception& error) {
      return SqliteErrorToStatus(error, context);
    }
  }

  const std::string path_;
  const FileIdentity identity_;
  std::mutex write_mutex_;
  Connection writer_;
  std::mutex read_mutex_;
  Connection reader_;
};

}  // namespace vitrina::registry
