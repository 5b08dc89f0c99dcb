#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "data/data_source.h"
#include "data/mysql_settings.h"

namespace vitrina::data {

using SqlStatementSink = std::function<absl::Status(const std::string& statement)>;

// Turns everything `source` serves into multi-row INSERT statements (no trailing ';') for the
// tables of data/mysql/schema.sql, at most `rows_per_statement` rows each: the fast way to load
// MySQL without LOAD DATA. A batch of genres may come before the batch of its titles: run them
// with foreign_key_checks = 0, as mysqldump's output is. How data/mysql/demo-fill.sql is made.
absl::Status WriteMysqlInserts(DataSource& source, int rows_per_statement,
                               const SqlStatementSink& sink);

// Copies `source` into the (empty) tables of data/mysql/schema.sql in the database of
// settings.url, in one transaction. Needs a user with INSERT rights: this is the demo and
// benchmark loader, never the server's read path.
absl::Status FillMysqlDatabase(DataSource& source, const MysqlSettings& settings);

}  // namespace vitrina::data
