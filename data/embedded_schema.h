#pragma once

#include <string_view>

namespace vitrina::data {

// Version stored in the embedded catalog's `PRAGMA user_version`; a reader refuses other versions.
inline constexpr int kEmbeddedSchemaVersion = 1;

// The tables of the embedded SQLite catalog: the same notions, names and columns as the MySQL
// default schema (data/mysql/schema.sql), documented in data/README.md.
std::string_view EmbeddedSchemaSql();

}  // namespace vitrina::data
