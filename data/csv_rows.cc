// CSV half of ReadImportRows: the header maps columns to the schema, each record becomes a row.
#include <optional>

#include "data/csv_reader.h"
#include "data/import_rows.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

// Schema index of each header field; nullopt (after reporting) when the header is unusable.
std::optional<std::vector<size_t>> MapHeader(const CsvRecord& header, std::string_view file,
                                             std::span<const ImportColumn> schema,
                                             ImportErrors& errors) {
  std::vector<size_t> positions;
  std::vector<bool> seen(schema.size(), false);
  for (const CsvField& field : header.fields) {
    size_t index = 0;
    while (index < schema.size() && schema[index].name != field.text) ++index;
    if (index == schema.size()) {
      errors.Add(file, field.line, field.column,
                 fmt::format("unknown column '{}' (the columns are {})", field.text,
                             ImportColumnNames(schema)));
      return std::nullopt;
    }
    if (seen[index]) {
      errors.Add(file, field.line, field.column,
                 fmt::format("column '{}' appears twice in the header", field.text));
      return std::nullopt;
    }
    seen[index] = true;
    positions.push_back(index);
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].required && !seen[i]) {
      errors.Add(file, header.line, 0,
                 fmt::format("the header has no column '{}' (required; the columns are {})",
                             schema[i].name, ImportColumnNames(schema)));
      return std::nullopt;
    }
  }
  return positions;
}

// Ends the parse early (errors full, or an unusable header); already reported.
absl::Status Stop() { return absl::CancelledError("stop"); }

}  // namespace

void ReadCsvRows(std::string_view text, std::string_view file,
                 std::span<const ImportColumn> schema, ImportErrors& errors,
                 const ImportRowSink& sink) {
  std::optional<std::vector<size_t>> positions;
  ImportRow row;
  CsvSyntaxError syntax_error;
  absl::Status parsed = ParseCsv(
      text,
      [&](const CsvRecord& record) -> absl::Status {
        if (!positions) {
          positions = MapHeader(record, file, schema, errors);
          return positions ? absl::OkStatus() : Stop();
        }
        if (record.fields.size() != positions->size()) {
          errors.Add(file, record.line, 0,
                     fmt::format("{} fields, but the header has {}", record.fields.size(),
                                 positions->size()));
          return errors.full() ? Stop() : absl::OkStatus();
        }
        row.line = record.line;
        row.lists_as_text = true;
        row.values.assign(schema.size(), ImportValue{});
        for (size_t i = 0; i < record.fields.size(); ++i) {
          ImportValue& value = row.values[(*positions)[i]];
          value.column = record.fields[i].column;
          value.present = !record.fields[i].text.empty();
          value.text = record.fields[i].text;
        }
        sink(row);
        return errors.full() ? Stop() : absl::OkStatus();
      },
      &syntax_error);
  if (!parsed.ok() && parsed.code() == absl::StatusCode::kInvalidArgument) {
    errors.Add(file, syntax_error.line, syntax_error.column, syntax_error.what);
  }
  if (!positions && parsed.ok()) errors.Add(file, 0, 0, "empty file: a header row is required");
}

}  // namespace vitrina::data
