#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/yaml_section.h"

namespace vitrina::data {

// The catalog's schema is its own: these SELECTs map it to Vitrina's notions. Each must return
// exactly the columns below, in this order (names do not matter); NULL means "absent". Lists are
// one column of items joined by a tab (GROUP_CONCAT(x SEPARATOR '\t')). The defaults read
// data/mysql/schema.sql.
struct MysqlQueries {
  // name, weight
  std::string interaction_types = "SELECT name, weight FROM interaction_types";
  // id, name, available (NULL = available), genres list, creators list
  std::string titles =
      "SELECT t.id, t.name, t.available,"
      " (SELECT GROUP_CONCAT(g.genre SEPARATOR '\\t') FROM title_genres g WHERE g.title_id = t.id),"
      " (SELECT GROUP_CONCAT(c.creator SEPARATOR '\\t') FROM title_creators c"
      " WHERE c.title_id = t.id)"
      " FROM titles t";
  // id, features list
  std::string users =
      "SELECT u.id, (SELECT GROUP_CONCAT(f.feature SEPARATOR '\\t') FROM user_features f"
      " WHERE f.user_id = u.id) FROM users u";
  // user_id, title_id, type, value, timestamp (unix seconds); every `:since` is replaced by the
  // exclusive lower bound of the read (an integer), so incremental reads use the catalog's index.
  std::string interactions =
      "SELECT user_id, title_id, type, value, created_at FROM interactions"
      " WHERE created_at > :since";
};

inline constexpr std::string_view kSincePlaceholder = ":since";

struct MysqlSettings {
  // mysql://user:password@host:port/database (the server maps VITRINA_MYSQL_URL to it).
  std::string url;
  int connect_timeout_seconds = 5;
  // Also bounds a stalled stream: no byte for this long fails the read.
  int read_timeout_seconds = 60;
  // Server-side limit of one SELECT (MariaDB max_statement_time); 0 = none.
  int max_statement_time_seconds = 600;
  // Retries after a connection error (2002, 2006, 2013, ...) before any row was delivered, waiting
  // retry_backoff_ms, then twice as long each time.
  int retries = 3;
  int retry_backoff_ms = 200;
  MysqlQueries queries;

  // Parses a `mysql:` section (see data/README.md); absent keys keep the defaults above. A url,
  // when present, must parse.
  static absl::StatusOr<MysqlSettings> FromYaml(const common::YamlSection& section);
};

}  // namespace vitrina::data
