#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "data/import_errors.h"

namespace vitrina::data {

enum class ImportFormat { kCsv, kJsonLines };

// By extension: .csv is CSV; .jsonl, .ndjson and .json are JSON Lines. InvalidArgument otherwise.
absl::StatusOr<ImportFormat> ImportFormatOfPath(std::string_view path);

// A column (CSV) or key (JSON Lines) a kind of row may have.
struct ImportColumn {
  std::string_view name;
  bool required = false;
};

// One value of a row, before it is checked against its meaning.
struct ImportValue {
  // False for an empty CSV field, a JSON null or a key left out: all mean "not given".
  bool present = false;
  // A scalar as text: the CSV field, a JSON string, or a JSON number or boolean as JSON writes it.
  std::string text;
  // A JSON array: its items (strings, or numbers as text). CSV lists come as `text`.
  bool is_array = false;
  std::vector<std::string> items;
  // 1-based byte column of a CSV field, 0 in JSON Lines (the key names the value there).
  int64_t column = 0;
};

// One data row: the line it starts on and one value per column of the schema, in schema order.
struct ImportRow {
  int64_t line = 0;
  // CSV holds a list as one text with '|' between items; JSON Lines only as an array.
  bool lists_as_text = false;
  std::vector<ImportValue> values;
};

using ImportRowSink = std::function<void(const ImportRow&)>;

// "id, name, genres" for messages that list what a file may hold.
std::string ImportColumnNames(std::span<const ImportColumn> schema);

// Reads the rows of `text` (the whole file in memory), checks them against `schema` and hands the
// good ones to `sink`; problems go to `errors` under the name `file`.
// CSV: the first record is a header naming the columns, in any order; an unknown, repeated or
// missing required column stops the file there, and so does a syntax error (no resync is
// reliable after a stray quote). A record with another field count than the header is skipped.
// JSON Lines: one object per line, blank lines skipped; a line that is not an object, an unknown
// key or a nested object skips the line. In both, a row missing a required value is skipped.
// Reading stops once `errors` is full.
void ReadImportRows(std::string_view text, ImportFormat format, std::string_view file,
                    std::span<const ImportColumn> schema, ImportErrors& errors,
                    const ImportRowSink& sink);

// The two halves of ReadImportRows, one per format (csv_rows.cc, json_lines_rows.cc). They leave
// the required-value check to ReadImportRows.
void ReadCsvRows(std::string_view text, std::string_view file,
                 std::span<const ImportColumn> schema, ImportErrors& errors,
                 const ImportRowSink& sink);
void ReadJsonLinesRows(std::string_view text, std::string_view file,
                       std::span<const ImportColumn> schema, ImportErrors& errors,
                       const ImportRowSink& sink);

}  // namespace vitrina::data
