#include "data/embedded_schema.h"

namespace vitrina::data {

std::string_view EmbeddedSchemaSql() {
  return R"sql(
CREATE TABLE interaction_types (
  name   TEXT PRIMARY KEY,
  weight REAL NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY
);
CREATE TABLE user_features (
  user_id INTEGER NOT NULL REFERENCES users(id),
  feature TEXT NOT NULL,
  PRIMARY KEY (user_id, feature)
) WITHOUT ROWID;
CREATE TABLE titles (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,
  available INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE title_genres (
  title_id INTEGER NOT NULL REFERENCES titles(id),
  genre    TEXT NOT NULL,
  PRIMARY KEY (title_id, genre)
) WITHOUT ROWID;
CREATE TABLE title_creators (
  title_id INTEGER NOT NULL REFERENCES titles(id),
  creator  TEXT NOT NULL,
  PRIMARY KEY (title_id, creator)
) WITHOUT ROWID;
CREATE TABLE interactions (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL,
  title_id   INTEGER NOT NULL,
  type       TEXT NOT NULL REFERENCES interaction_types(name),
  value      REAL NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX interactions_by_created_at ON interactions(created_at);
)sql";
}

}  // namespace vitrina::data
